"""The rules of Globe: every state change goes through a function here (actor first)."""
