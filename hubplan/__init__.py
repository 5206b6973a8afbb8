"""Hubplan: planning regional work hubs for Region Jämtland Härjedalen."""
