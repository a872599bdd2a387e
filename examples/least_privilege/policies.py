"""The two IAM policies of the seed document ("How AWS Systems Manager Parameter Store uses
AWS KMS"), verbatim: same account (111122223333), region (us-west-2) and key id.

In a real project these would live next to the infrastructure code (Terraform, CDK, ...);
the tests prove what they allow and what they deny.
"""

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:us-west-2:111122223333:key/{KEY_ID}"

# "allows the user to call the Systems Manager GetParameter operation on all parameters in the
# /ReadableParameters path [...] also allows the user to call the AWS KMS Decrypt operation on
# the specified customer managed CMK."
READABLE_PARAMETERS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["ssm:GetParameter*"],
            "Resource": "arn:aws:ssm:us-west-2:111122223333:parameter/ReadableParameters/*",
        },
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": KEY_ARN,
        },
    ],
}

# "allows the user to get the value of the MyParameter parameter and to decrypt its value using
# the specified CMK. However the permissions apply only when the encryption context matches."
MY_PARAMETER_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["ssm:GetParameter*"],
            "Resource": "arn:aws:ssm:us-west-2:111122223333:parameter/MyParameter",
        },
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": KEY_ARN,
            "Condition": {
                "StringEquals": {
                    "kms:EncryptionContext:PARAMETER_ARN": (
                        "arn:aws:ssm:us-west-2:111122223333:parameter/MyParameter"
                    )
                }
            },
        },
    ],
}
