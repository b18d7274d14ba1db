package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/userpool/userpool/internal/delivery"
	"github.com/userpool/userpool/internal/store"
	"github.com/userpool/userpool/internal/triggers"
)

// newWorker builds the outbox worker from the delivery flags. A medium
// without a channel is "delivered to inbox": kept for the development inbox
// (the laptop case). With --dev, message bodies are kept after sending so
// the inbox can still show them; otherwise the body, which holds the code,
// is erased once it was sent.
func newWorker(ctx context.Context, cfg *config, st store.Store, log *slog.Logger, m *metrics) (*delivery.Worker, error) {
	d := cfg.Delivery
	w := &delivery.Worker{Outbox: st, Now: time.Now, Lease: d.Lease, MaxAttempts: d.MaxAttempts, Poll: d.Poll, BaseBackoff: d.Backoff,
		KeepBodies: cfg.Dev, Log: log.With("component", "delivery")}
	if m != nil {
		w.Observe = m.messageEvent
	}
	if d.SMTPURL != "" {
		email, err := delivery.NewSMTP(d.SMTPURL, d.EmailFrom)
		if err != nil {
			return nil, fmt.Errorf("--smtp-url: %w", err)
		}
		w.Email = email
	}
	switch d.SMS {
	case "webhook":
		w.SMS = delivery.NewWebhook(d.SMSWebhook, &http.Client{Timeout: 20 * time.Second})
	case "sns":
		client, err := snsClient(ctx, d)
		if err != nil {
			return nil, err
		}
		w.SMS = delivery.NewSNS(client)
	}
	logChannels(w.Log, cfg)
	return w, nil
}

// logChannels says at startup where messages go, never with a password.
func logChannels(log *slog.Logger, cfg *config) {
	none := "none: messages are neither sent nor kept"
	if cfg.Dev {
		none = "none (kept for the development inbox)"
	}
	email, sms := none, none
	if u, err := url.Parse(cfg.Delivery.SMTPURL); err == nil && cfg.Delivery.SMTPURL != "" {
		email = "smtp " + u.Redacted()
	}
	switch cfg.Delivery.SMS {
	case "sns":
		sms = "sns " + cfg.Delivery.SNSRegion
	case "webhook":
		sms = "webhook"
	}
	log.Info("message delivery", "email", email, "sms", sms)
	if !cfg.Dev && (cfg.Delivery.SMTPURL == "" || cfg.Delivery.SMS == "") {
		// A stored plaintext code nobody reads is only a risk: outside --dev
		// such messages are not kept at all (userpool's enqueue), only counted.
		log.Warn("a medium has no delivery channel and --dev is off: its code messages are neither sent nor kept; set --smtp-url / --sms")
	}
}

// snsClient uses the standard AWS credential chain (environment, shared
// files, instance roles), with --sns-endpoint for SNS-compatible services.
func snsClient(ctx context.Context, d deliveryConfig) (*sns.Client, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(d.SNSRegion))
	if err != nil {
		return nil, fmt.Errorf("--sms sns: AWS configuration: %w", err)
	}
	return sns.NewFromConfig(awsCfg, func(o *sns.Options) {
		if d.SNSEndpoint != "" {
			o.BaseEndpoint = aws.String(d.SNSEndpoint)
		}
	}), nil
}

// lambdaInvoker calls the pools' triggers through the AWS Lambda Invoke API
// (credentials from the standard AWS chain), at --lambda-endpoint when set.
// Credentials are only needed once a pool configures a trigger.
func lambdaInvoker(ctx context.Context, cfg *config) (*triggers.LambdaInvoker, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
	if err != nil {
		return nil, fmt.Errorf("Lambda triggers: AWS configuration: %w", err)
	}
	return triggers.NewLambdaInvoker(lambda.NewFromConfig(awsCfg, func(o *lambda.Options) {
		if cfg.LambdaEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.LambdaEndpoint)
		}
	})), nil
}
