"""The pytest glue: fixtures, markers, options, the trail file and failure-report sections."""
