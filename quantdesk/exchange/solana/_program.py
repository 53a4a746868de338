"""The deployed program's id: the committed IDL names one; a deployment elsewhere
(a devnet redeploy, a fork on localnet) is the same program at another address."""

from __future__ import annotations

import json

from solders.pubkey import Pubkey

from quantdesk.exchange._idl import PerpIdl


def idl_for_program(idl: PerpIdl, program_id: Pubkey | str | None) -> PerpIdl:
    """``idl`` for the program deployed at ``program_id`` (None: the IDL's own address).

    Instructions, PDAs and account ownership checks all follow from ``idl.program_id``,
    so the builder, the venue and the executor stay in agreement when given this IDL.
    """
    if program_id is None or Pubkey.from_string(str(program_id)) == idl.program_id:
        return idl
    return PerpIdl(json.dumps({**idl.doc, "address": str(program_id)}))
