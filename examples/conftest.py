"""Examples are small applications with their own tests; the plugin is active via its entry point."""
