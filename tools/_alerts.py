"""Alert tools: thin over quantdesk.alerts."""

from __future__ import annotations

from quantdesk.alerts import AlertStore
from quantdesk.exchange import usd
from quantdesk.engine import MAX_PRICE
from tools._toolbox import Handler, ToolContext, ToolOutcome
from tools.schemas import AlertArgs, AlertIdArgs, NoArgs

# No market the program lists can trade above its price limit, so a higher level could never fire
# (and a level such as 1E+999999999 does not even fit the database's numeric type).
_MAX_LEVEL = usd(MAX_PRICE)


def alert_handlers(store: AlertStore) -> dict[str, Handler]:
    def set_alert(args: AlertArgs, ctx: ToolContext) -> ToolOutcome:
        if args.level is not None and args.level > _MAX_LEVEL:
            return ToolOutcome(f"error: the alert level must be at most ${_MAX_LEVEL:,f} (the highest price the "
                               f"program handles); got {args.level}", {"error": "level_out_of_range"}, error=True)
        alert = store.create(ctx.user_id, ctx.thread_id, args.kind, market=args.market, level=args.level,
                             direction=args.direction or ("above" if args.kind == "price_cross" else None),
                             threshold_pct=args.threshold_pct, order_id=args.order_id)
        return ToolOutcome(f"Alert set {alert.describe()}. I'll tell you in this conversation when it fires.",
                           {"alert_id": alert.id})

    def list_alerts(_args: NoArgs, ctx: ToolContext) -> ToolOutcome:
        alerts = store.active(ctx.user_id)
        text = "\n".join(a.describe() for a in alerts) if alerts else "You have no active alerts."
        return ToolOutcome(text, {"alerts": [a.describe() for a in alerts]})

    def cancel_alert(args: AlertIdArgs, ctx: ToolContext) -> ToolOutcome:
        if not args.alert_id.lstrip("#").isdigit():
            return ToolOutcome(f"error: alert ids are numbers (got {args.alert_id!r})", {"error": "bad_id"},
                               error=True)
        alert = store.cancel(ctx.user_id, int(args.alert_id.lstrip("#")))
        return ToolOutcome(f"Cancelled alert {alert.describe()}.", {"alert_id": alert.id})

    return {"set_alert": set_alert, "list_alerts": list_alerts, "cancel_alert": cancel_alert}
