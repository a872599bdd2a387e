"""The wire: AWS protocols, model validation, and the transport-neutral front door."""
