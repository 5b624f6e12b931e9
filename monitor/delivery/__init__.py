"""Delivery: the durable outbox that hands alerts to alerters until each has them."""
