"""OAI-PMH 2.0: Globe's public resources and knowledge-base pages for harvesters (verbs, records, tokens, XML)."""
