"""pytest options of the trail (the CloudTrail log file artifact, failure report section)."""
