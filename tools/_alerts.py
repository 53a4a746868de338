"""Alert tools: thin over quantdesk.alerts."""

from __future__ import annotations

from quantdesk.alerts import AlertStore
from quantdesk.engine import MAX_PRICE
from quantdesk.units import usd
from tools._toolbox import Handler, ToolContext, ToolOutcome, by_tool, tool_handler
from tools.schemas import AlertArgs, AlertIdArgs, NoArgs

# No market the program lists can trade above its price limit, so a higher level could never fire
# (and a level such as 1E+999999999 does not even fit the database's numeric type).
_MAX_LEVEL = usd(MAX_PRICE)


@tool_handler
def set_alert(store: AlertStore) -> Handler:
    def handle(args: AlertArgs, ctx: ToolContext) -> ToolOutcome:
        if args.level is not None and args.level > _MAX_LEVEL:
            return ToolOutcome(f"error: the alert level must be at most ${_MAX_LEVEL:,f} (the highest price the "
                               f"program handles); got {args.level}", {"error": "level_out_of_range"}, error=True)
        alert = store.create(ctx.user_id, ctx.thread_id, args.kind, market=args.market, level=args.level,
                             direction=args.direction or ("above" if args.kind == "price_cross" else None),
                             threshold_pct=args.threshold_pct, order_id=args.order_id)
        return ToolOutcome(f"Alert set {alert.describe()}. I'll tell you in this conversation when it fires.",
                           {"alert_id": alert.id})

    return handle


@tool_handler
def list_alerts(store: AlertStore) -> Handler:
    def handle(_args: NoArgs, ctx: ToolContext) -> ToolOutcome:
        alerts = store.active(ctx.user_id)
        text = "\n".join(a.describe() for a in alerts) if alerts else "You have no active alerts."
        return ToolOutcome(text, {"alerts": [a.describe() for a in alerts]})

    return handle


@tool_handler
def cancel_alert(store: AlertStore) -> Handler:
    def handle(args: AlertIdArgs, ctx: ToolContext) -> ToolOutcome:
        if not args.alert_id.lstrip("#").isdigit():
            return ToolOutcome(f"error: alert ids are numbers (got {args.alert_id!r})", {"error": "bad_id"},
                               error=True)
        alert = store.cancel(ctx.user_id, int(args.alert_id.lstrip("#")))
        return ToolOutcome(f"Cancelled alert {alert.describe()}.", {"alert_id": alert.id})

    return handle


def alert_handlers(store: AlertStore) -> dict[str, Handler]:
    """Every alert tool, for the toolbox."""
    return by_tool(set_alert(store), list_alerts(store), cancel_alert(store))
