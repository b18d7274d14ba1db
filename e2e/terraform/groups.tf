# Groups and membership (issue 16): a group with every member set, changed
# on update (UpdateGroup), a bare group (null precedence, no role, no
# description), and alice of pool.tf in the first one.

resource "aws_cognito_user_group" "admins" {
  name         = "admins"
  user_pool_id = aws_cognito_user_pool.main.id
  description  = var.update ? "Administrators, updated" : "Administrators"
  precedence   = var.update ? 5 : 1
  role_arn     = var.update ? "arn:aws:iam::123456789012:role/admins-2" : "arn:aws:iam::123456789012:role/admins"
}

resource "aws_cognito_user_group" "readers" {
  name         = "readers"
  user_pool_id = aws_cognito_user_pool.main.id
}

resource "aws_cognito_user_in_group" "alice_admin" {
  user_pool_id = aws_cognito_user_pool.main.id
  group_name   = aws_cognito_user_group.admins.name
  username     = aws_cognito_user.alice.username
}
