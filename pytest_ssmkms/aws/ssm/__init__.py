"""AWS Systems Manager Parameter Store. Never touches cryptography: SecureString goes to KMS."""
