"""AWS KMS: the key registry shared with SSM, key states, and real cryptography."""
