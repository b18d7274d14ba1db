# Federation and hosted UI settings (issue 16): identity providers, a
# prefix domain, a resource server with scopes, UI customization and an
# OAuth app client that uses all of them. var.update changes each one.

resource "aws_cognito_identity_provider" "google" {
  user_pool_id  = aws_cognito_user_pool.main.id
  provider_name = "Google"
  provider_type = "Google"

  # As in the provider's documentation: only what the configuration sets.
  provider_details = {
    authorize_scopes = var.update ? "email profile openid" : "email"
    client_id        = "tf-test.apps.googleusercontent.com"
    client_secret    = var.update ? "rotated-secret" : "google-secret"
  }

  attribute_mapping = {
    email    = "email"
    username = "sub"
  }
  idp_identifiers = var.update ? ["gmail", "googlemail"] : ["gmail"]
}

resource "aws_cognito_identity_provider" "saml" {
  user_pool_id  = aws_cognito_user_pool.main.id
  provider_name = "Corp-SAML"
  provider_type = "SAML"

  provider_details = {
    MetadataFile = <<-XML
      <?xml version="1.0" encoding="UTF-8"?>
      <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">
        <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
          <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/slo"/>
          <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
        </md:IDPSSODescriptor>
      </md:EntityDescriptor>
    XML
    IDPSignout = var.update ? "true" : "false"
  }

  attribute_mapping = {
    email = "email"
  }
}

resource "aws_cognito_user_pool_domain" "main" {
  domain       = "tf-federation-e2e"
  user_pool_id = aws_cognito_user_pool.main.id
}

resource "aws_cognito_resource_server" "api" {
  user_pool_id = aws_cognito_user_pool.main.id
  identifier   = "https://api.example.com"
  name         = var.update ? "Example API v2" : "Example API"

  scope {
    scope_name        = "read"
    scope_description = "Read access"
  }

  dynamic "scope" {
    for_each = var.update ? ["write"] : []
    content {
      scope_name        = scope.value
      scope_description = "Write access"
    }
  }
}

resource "aws_cognito_user_pool_client" "web" {
  name                                 = "web"
  user_pool_id                         = aws_cognito_user_pool.main.id
  generate_secret                      = true
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = concat(["openid", "email"], aws_cognito_resource_server.api.scope_identifiers)
  callback_urls                        = var.update ? ["https://app.example.com/callback", "http://localhost:3000/callback"] : ["https://app.example.com/callback"]
  logout_urls                          = ["https://app.example.com/"]
  default_redirect_uri                 = "https://app.example.com/callback"
  supported_identity_providers = ["COGNITO", aws_cognito_identity_provider.google.provider_name,
  aws_cognito_identity_provider.saml.provider_name]
}

resource "aws_cognito_user_pool_ui_customization" "all" {
  user_pool_id = aws_cognito_user_pool_domain.main.user_pool_id
  css          = var.update ? ".banner-customizable { background-color: navy; }" : ".banner-customizable { background-color: black; }"
  image_file   = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
}

resource "aws_cognito_user_pool_ui_customization" "web" {
  user_pool_id = aws_cognito_user_pool_domain.main.user_pool_id
  client_id    = aws_cognito_user_pool_client.web.id
  css          = ".label-customizable { font-weight: 400; }"
}

output "domain" {
  value = aws_cognito_user_pool_domain.main.domain
}
