# Configuration resources (issue 16, configuration helper): a confidential
# app client with every argument of aws_cognito_user_pool_client set, risk
# configurations pool-wide and per client, and a client adopted through
# aws_cognito_managed_user_pool_client. pool.tf's aws_cognito_user_pool
# gains a custom attribute on update, which the provider adds with
# AddCustomAttributes. (The provider 5.100.0 has no
# aws_cognito_log_delivery_configuration; the API tests cover it.)

resource "aws_cognito_user_pool_client" "confidential" {
  name            = "confidential"
  user_pool_id    = aws_cognito_user_pool.main.id
  generate_secret = true

  explicit_auth_flows           = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = var.update ? "LEGACY" : "ENABLED"
  enable_token_revocation       = true
  auth_session_validity         = var.update ? 10 : 5
  read_attributes               = var.update ? ["email", "email_verified", "preferred_username", "custom:dept"] : ["email", "email_verified", "preferred_username"]
  write_attributes              = var.update ? ["email", "preferred_username", "custom:dept"] : ["email", "preferred_username"]

  enable_propagate_additional_user_context_data = true

  access_token_validity  = var.update ? 30 : 60
  id_token_validity      = 60
  refresh_token_validity = var.update ? 7 : 30
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }

  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email"]
  supported_identity_providers         = ["COGNITO"]
  callback_urls                        = ["https://app.example.com/callback"]
  logout_urls                          = ["https://app.example.com/logout"]
  default_redirect_uri                 = "https://app.example.com/callback"

  analytics_configuration {
    application_arn  = "arn:aws:mobiletargeting:us-east-1:123456789012:apps/0123456789abcdef0123456789abcdef"
    user_data_shared = var.update
  }

  refresh_token_rotation {
    feature                    = var.update ? "ENABLED" : "DISABLED"
    retry_grace_period_seconds = var.update ? 10 : null
  }
}

resource "aws_cognito_risk_configuration" "pool" {
  user_pool_id = aws_cognito_user_pool.main.id

  compromised_credentials_risk_configuration {
    event_filter = var.update ? ["SIGN_IN", "PASSWORD_CHANGE"] : ["SIGN_IN"]
    actions {
      event_action = "BLOCK"
    }
  }

  account_takeover_risk_configuration {
    notify_configuration {
      source_arn = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
      from       = "security@example.com"
      reply_to   = "help@example.com"
      block_email {
        subject   = "Sign-in blocked"
        html_body = "<p>We blocked a sign-in.</p>"
        text_body = "We blocked a sign-in."
      }
      mfa_email {
        subject   = "Sign-in challenged"
        html_body = "<p>We asked for a second factor.</p>"
        text_body = "We asked for a second factor."
      }
      no_action_email {
        subject   = "Sign-in noticed"
        html_body = "<p>We noticed a sign-in.</p>"
        text_body = "We noticed a sign-in."
      }
    }
    actions {
      low_action {
        event_action = "NO_ACTION"
        notify       = false
      }
      medium_action {
        event_action = "MFA_IF_CONFIGURED"
        notify       = true
      }
      high_action {
        event_action = var.update ? "MFA_REQUIRED" : "BLOCK"
        notify       = true
      }
    }
  }

  risk_exception_configuration {
    blocked_ip_range_list = ["192.0.2.0/24"]
    skipped_ip_range_list = var.update ? ["203.0.113.0/24", "198.51.100.7/32"] : ["203.0.113.0/24"]
  }
}

resource "aws_cognito_risk_configuration" "client" {
  user_pool_id = aws_cognito_user_pool.main.id
  client_id    = aws_cognito_user_pool_client.confidential.id

  risk_exception_configuration {
    skipped_ip_range_list = ["10.0.0.0/8"]
  }
}

# aws_cognito_managed_user_pool_client adopts a client another AWS service
# made (OpenSearch names its client AmazonOpenSearchService-...); here a
# plain client stands in for that service's. With no arguments set, the
# adopted client is read, never updated, and left alone on destroy.
resource "aws_cognito_user_pool_client" "search" {
  name                = "AmazonOpenSearchService-tf"
  user_pool_id        = aws_cognito_user_pool.main.id
  generate_secret     = true
  explicit_auth_flows = ["ALLOW_REFRESH_TOKEN_AUTH"]
}

resource "aws_cognito_managed_user_pool_client" "search" {
  name_prefix  = "AmazonOpenSearchService-"
  user_pool_id = aws_cognito_user_pool.main.id
  depends_on   = [aws_cognito_user_pool_client.search]
}

output "confidential_client_id" {
  value = aws_cognito_user_pool_client.confidential.id
}
