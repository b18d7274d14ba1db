package userpool

import (
	"context"
	"encoding/json"

	"github.com/userpool/userpool/internal/store"
)

// Log delivery configuration: SetLogDeliveryConfiguration and
// GetLogDeliveryConfiguration, kept in the pool document and returned as
// set. Nothing is exported anywhere: the destinations are only recorded.
// (The Terraform provider 5.100.0 has no resource for it; later releases'
// aws_cognito_log_delivery_configuration calls these two operations.)

// LogConfigurationType is one log stream: a source, its level, and exactly
// one destination.
type LogConfigurationType struct {
	LogLevel                    string          `json:"LogLevel"`
	EventSource                 string          `json:"EventSource"`
	CloudWatchLogsConfiguration json.RawMessage `json:"CloudWatchLogsConfiguration,omitempty"`
	S3Configuration             json.RawMessage `json:"S3Configuration,omitempty"`
	FirehoseConfiguration       json.RawMessage `json:"FirehoseConfiguration,omitempty"`
}

// LogDeliveryConfigurationType is a pool's log configurations.
type LogDeliveryConfigurationType struct {
	UserPoolId        string                 `json:"UserPoolId"`
	LogConfigurations []LogConfigurationType `json:"LogConfigurations"`
}

// LogDeliveryConfigurationOutput is the response of both operations.
type LogDeliveryConfigurationOutput struct {
	LogDeliveryConfiguration *LogDeliveryConfigurationType `json:"LogDeliveryConfiguration"`
}

func logDelivery(poolID string, configs []LogConfigurationType) *LogDeliveryConfigurationOutput {
	if configs == nil {
		configs = []LogConfigurationType{}
	}
	return &LogDeliveryConfigurationOutput{LogDeliveryConfiguration: &LogDeliveryConfigurationType{
		UserPoolId: poolID, LogConfigurations: configs}}
}

// GetLogDeliveryConfigurationInput is the GetLogDeliveryConfiguration request.
type GetLogDeliveryConfigurationInput struct {
	UserPoolId string `json:"UserPoolId"`
}

// GetLogDeliveryConfiguration returns the pool's log configurations; a
// pool without any answers an empty list (UNVERIFIED: Cognito may leave
// LogDeliveryConfiguration out).
func (s *Service) GetLogDeliveryConfiguration(ctx context.Context, in *GetLogDeliveryConfigurationInput) (*LogDeliveryConfigurationOutput, error) {
	p, err := s.loadPool(ctx, s.store, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return logDelivery(p.ID, p.doc.LogDelivery), nil
}

// SetLogDeliveryConfigurationInput is the SetLogDeliveryConfiguration request.
type SetLogDeliveryConfigurationInput struct {
	UserPoolId        string                 `json:"UserPoolId"`
	LogConfigurations []LogConfigurationType `json:"LogConfigurations"`
}

// SetLogDeliveryConfiguration replaces the pool's log configurations.
func (s *Service) SetLogDeliveryConfiguration(ctx context.Context, in *SetLogDeliveryConfigurationInput) (*LogDeliveryConfigurationOutput, error) {
	err := s.store.Tx(ctx, func(tx store.Store) error {
		p, err := s.loadPool(ctx, tx, in.UserPoolId)
		if err != nil {
			return err
		}
		if err := checkLogConfigurations(in.LogConfigurations, p.doc.UserPoolTier); err != nil {
			return err
		}
		doc := *p.doc // a shallow copy: cached documents are never modified
		doc.LogDelivery = in.LogConfigurations
		if len(doc.LogDelivery) == 0 {
			doc.LogDelivery = nil
		}
		return s.savePoolDoc(ctx, tx, p.rec, &doc)
	})
	if err != nil {
		return nil, err
	}
	return logDelivery(in.UserPoolId, in.LogConfigurations), nil
}

// checkLogConfigurations applies the API reference's rules
// (LogConfigurationType): userNotification logs are ERROR-level and go to
// CloudWatch Logs; userAuthEvents logs are INFO-level, go to any one
// destination, and need the Plus tier, as S3 and Firehose destinations do;
// each source once. The texts are UNVERIFIED.
func checkLogConfigurations(configs []LogConfigurationType, tier string) error {
	seen := map[string]bool{}
	for _, c := range configs {
		if seen[c.EventSource] {
			return errLogSourceTwice(c.EventSource)
		}
		seen[c.EventSource] = true
		n := 0
		for _, d := range []json.RawMessage{c.CloudWatchLogsConfiguration, c.S3Configuration, c.FirehoseConfiguration} {
			if !absent(d) {
				n++
			}
		}
		if n != 1 {
			return errLogDestinations
		}
		switch {
		case c.EventSource == "userNotification" && (c.LogLevel != "ERROR" || absent(c.CloudWatchLogsConfiguration)):
			return errLogNotifications
		case c.EventSource == "userAuthEvents" && c.LogLevel != "INFO":
			return errLogAuthEventsLevel
		case c.EventSource == "userAuthEvents" && tier != "PLUS":
			return errLogNeedsPlus
		}
	}
	return nil
}
