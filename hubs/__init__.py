"""Registry of work hubs, co-working spaces and candidate premises, with their use over time."""
