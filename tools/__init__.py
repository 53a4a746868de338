"""Typed LangChain tools MIKEY may call; thin adapters over quantdesk/.
(Filled by the agent issue.)"""
