# The pool and client every other file builds on (issue 16). The test
# (cmd/userpool/terraform_e2e_test.go) applies this directory with
# update=false, plans (no drift), runs a password reset on the pool, applies
# again with update=true (an MFA change and other updates), plans again and
# destroys everything. Every file here is part of one configuration.

variable "update" {
  type    = bool
  default = false
}

resource "aws_cognito_user_pool" "main" {
  name                     = "tf-main"
  deletion_protection      = var.update ? "INACTIVE" : "ACTIVE"
  auto_verified_attributes = ["email"]
  alias_attributes         = ["email", "preferred_username"]
  mfa_configuration        = var.update ? "ON" : "OPTIONAL"

  software_token_mfa_configuration {
    enabled = true
  }

  password_policy {
    minimum_length                   = var.update ? 12 : 10
    require_lowercase                = true
    require_numbers                  = true
    require_symbols                  = false
    require_uppercase                = true
    temporary_password_validity_days = 3
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
    recovery_mechanism {
      name     = "verified_phone_number"
      priority = 2
    }
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
    email_subject        = "Your Terraform code"
    email_message        = "Your code is {####}."
    sms_message          = "Code: {####}"
  }

  lambda_config {
    define_auth_challenge = "arn:aws:lambda:us-east-1:123456789012:function:define-auth"
  }

  schema {
    name                = "email"
    attribute_data_type = "String"
    mutable             = true
    required            = true
    string_attribute_constraints {
      min_length = 5
      max_length = 254
    }
  }

  # A custom attribute added on update only: the provider sends it with
  # AddCustomAttributes (the configuration helper's block, issue 16).
  dynamic "schema" {
    for_each = var.update ? ["dept"] : []
    content {
      name                = schema.value
      attribute_data_type = "String"
      mutable             = true
      string_attribute_constraints {
        min_length = 1
        max_length = 64
      }
    }
  }

  tags = {
    team = var.update ? "identity-2" : "identity"
  }
}

resource "aws_cognito_user_pool_client" "app" {
  name                = "app"
  user_pool_id        = aws_cognito_user_pool.main.id
  explicit_auth_flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors = "ENABLED"
}

resource "aws_cognito_user" "alice" {
  user_pool_id = aws_cognito_user_pool.main.id
  username     = "alice"
  password     = "Terraf0rm-Passw0rd"
  attributes = {
    email          = "alice@example.com"
    email_verified = "true"
  }
}

output "pool_id" {
  value = aws_cognito_user_pool.main.id
}

output "client_id" {
  value = aws_cognito_user_pool_client.app.id
}
