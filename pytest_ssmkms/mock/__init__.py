"""The mock handle: ``mock_ssm_kms``, the ``SsmKms`` handle, principals."""
