"""The LangGraph MIKEY graph: state, nodes, confirmation gate, model routing,
the offline command parser and prompts. (Filled by the agent issue.)"""
