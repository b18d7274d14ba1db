package server_test

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Log delivery configuration (issue 16): GetLogDeliveryConfiguration and
// SetLogDeliveryConfiguration, stored and returned as set. The Terraform
// provider 5.100.0 has no aws_cognito_log_delivery_configuration (it came
// in a later release), so only the API is exercised here.

const (
	logGroupArn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/cognito"
	streamArn   = "arn:aws:firehose:us-east-1:123456789012:deliverystream/cognito-events"
	bucketArn   = "arn:aws:s3:::cognito-logs"
)

func notificationLogs() types.LogConfigurationType {
	return types.LogConfigurationType{LogLevel: types.LogLevelError, EventSource: types.EventSourceNameUserNotification,
		CloudWatchLogsConfiguration: &types.CloudWatchLogsConfigurationType{LogGroupArn: aws.String(logGroupArn)}}
}

func authEventLogs() types.LogConfigurationType {
	return types.LogConfigurationType{LogLevel: types.LogLevelInfo, EventSource: types.EventSourceNameUserAuthEvents,
		FirehoseConfiguration: &types.FirehoseConfigurationType{StreamArn: aws.String(streamArn)}}
}

func TestLogDeliveryConfiguration(t *testing.T) {
	t.Parallel()
	onBothBackends(t, testLogDeliveryConfiguration)
}

func testLogDeliveryConfiguration(t *testing.T, opts ...func(*envConfig)) {
	e := newEnv(t, opts...)
	ctx := t.Context()
	id := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) { in.UserPoolTier = types.UserPoolTierTypePlus }).Id)
	get := func() *types.LogDeliveryConfigurationType {
		out, err := e.SDK.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: aws.String(id)})
		ok(t, err, "GetLogDeliveryConfiguration")
		return out.LogDeliveryConfiguration
	}
	set := func(configs ...types.LogConfigurationType) *types.LogDeliveryConfigurationType {
		configs = append([]types.LogConfigurationType{}, configs...) // required: an empty list, not none
		out, err := e.SDK.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(id), LogConfigurations: configs})
		ok(t, err, "SetLogDeliveryConfiguration")
		return out.LogDeliveryConfiguration
	}
	same := func(what string, got *types.LogDeliveryConfigurationType, want ...types.LogConfigurationType) {
		t.Helper()
		if want == nil {
			want = []types.LogConfigurationType{}
		}
		if got == nil || aws.ToString(got.UserPoolId) != id || !reflect.DeepEqual(got.LogConfigurations, want) {
			t.Errorf("%s: %+v, want %s with %+v", what, got, id, want)
		}
	}
	same("never set", get()) // UNVERIFIED: Cognito may answer without a LogDeliveryConfiguration

	same("Set", set(notificationLogs(), authEventLogs()), notificationLogs(), authEventLogs())
	same("Get", get(), notificationLogs(), authEventLogs())

	_, err := e.SDK.UpdateUserPool(ctx, &cip.UpdateUserPoolInput{UserPoolId: aws.String(id), UserPoolTier: types.UserPoolTierTypePlus})
	ok(t, err, "UpdateUserPool")
	same("after UpdateUserPool", get(), notificationLogs(), authEventLogs())

	s3 := authEventLogs()
	s3.FirehoseConfiguration, s3.S3Configuration = nil, &types.S3ConfigurationType{BucketArn: aws.String(bucketArn)}
	same("replaced", set(s3), s3)
	same("emptied", set())
	same("Get emptied", get())
}

func TestLogDeliveryConfigurationRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	essentials := aws.ToString(e.pool().Id)
	plus := aws.ToString(e.pool(func(in *cip.CreateUserPoolInput) { in.UserPoolTier = types.UserPoolTierTypePlus }).Id)
	set := func(poolID string, configs ...types.LogConfigurationType) error {
		_, err := e.SDK.SetLogDeliveryConfiguration(ctx, &cip.SetLogDeliveryConfigurationInput{UserPoolId: aws.String(poolID), LogConfigurations: configs})
		return err
	}
	infoNotifications := notificationLogs()
	infoNotifications.LogLevel = types.LogLevelInfo
	errorAuthEvents := authEventLogs()
	errorAuthEvents.LogLevel = types.LogLevelError
	noDestination := notificationLogs()
	noDestination.CloudWatchLogsConfiguration = nil
	twoDestinations := authEventLogs()
	twoDestinations.S3Configuration = &types.S3ConfigurationType{BucketArn: aws.String(bucketArn)}
	notificationsToS3 := notificationLogs()
	notificationsToS3.CloudWatchLogsConfiguration, notificationsToS3.S3Configuration = nil, &types.S3ConfigurationType{BucketArn: aws.String(bucketArn)}
	// The rules are the API reference's (LogConfigurationType); the texts UNVERIFIED.
	for _, c := range []struct {
		name    string
		poolID  string
		configs []types.LogConfigurationType
		code    string
	}{
		{"userNotification at INFO", plus, []types.LogConfigurationType{infoNotifications}, "InvalidParameterException"},
		{"userAuthEvents at ERROR", plus, []types.LogConfigurationType{errorAuthEvents}, "InvalidParameterException"},
		{"no destination", plus, []types.LogConfigurationType{noDestination}, "InvalidParameterException"},
		{"two destinations", plus, []types.LogConfigurationType{twoDestinations}, "InvalidParameterException"},
		{"userNotification to S3", plus, []types.LogConfigurationType{notificationsToS3}, "InvalidParameterException"},
		{"one source twice", plus, []types.LogConfigurationType{notificationLogs(), notificationLogs()}, "InvalidParameterException"},
		{"userAuthEvents below Plus", essentials, []types.LogConfigurationType{authEventLogs()}, "FeatureUnavailableInTierException"},
	} {
		t.Run(c.name, func(t *testing.T) { wantAPICode(t, set(c.poolID, c.configs...), c.code) })
	}
	ok(t, set(essentials, notificationLogs()), "userNotification on an Essentials pool")
	wantAPIError(t, set("us-east-1_nothere00", notificationLogs()), "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
	_, err := e.SDK.GetLogDeliveryConfiguration(ctx, &cip.GetLogDeliveryConfigurationInput{UserPoolId: aws.String("us-east-1_nothere00")})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.")
}
