"""shunt — explain customer-service routing by replaying the routing engine against the logs."""

__version__ = "0.1.0"
