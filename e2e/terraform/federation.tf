# Federation and hosted UI settings (issue 16): identity providers, a
# prefix domain, a resource server with scopes, UI customization and an
# OAuth app client that uses all of them. var.update changes each one.

resource "aws_cognito_identity_provider" "google" {
  user_pool_id  = aws_cognito_user_pool.main.id
  provider_name = "Google"
  provider_type = "Google"

  # Cognito adds Google's endpoints to every Google provider and answers
  # them back; the provider keeps what Cognito answers, so a configuration
  # lists them to plan clean (as the provider's own acceptance tests do).
  provider_details = {
    authorize_scopes              = var.update ? "email profile openid" : "email"
    client_id                     = "tf-test.apps.googleusercontent.com"
    client_secret                 = var.update ? "rotated-secret" : "google-secret"
    attributes_url                = "https://people.googleapis.com/v1/people/me?personFields="
    attributes_url_add_attributes = "true"
    authorize_url                 = "https://accounts.google.com/o/oauth2/v2/auth"
    oidc_issuer                   = "https://accounts.google.com"
    token_request_method          = "POST"
    token_url                     = "https://www.googleapis.com/oauth2/v4/token"
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

  # The redirect-binding URIs are read from the metadata by Cognito and
  # answered back; the encryption certificate is Cognito's own.
  provider_details = {
    MetadataFile          = <<-XML
      <?xml version="1.0" encoding="UTF-8"?>
      <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">
        <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
          <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/slo"/>
          <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
        </md:IDPSSODescriptor>
      </md:EntityDescriptor>
    XML
    IDPSignout            = var.update ? "true" : "false"
    SSORedirectBindingURI = "https://idp.example.com/sso"
    SLORedirectBindingURI = "https://idp.example.com/slo"
  }

  attribute_mapping = {
    email = "email"
  }

  lifecycle {
    ignore_changes = [provider_details["ActiveEncryptionCertificate"]]
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
