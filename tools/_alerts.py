"""Alert tools: thin over quantdesk.alerts."""

from __future__ import annotations

from quantdesk.alerts import AlertStore
from tools._toolbox import Handler, ToolContext, ToolOutcome
from tools.schemas import AlertArgs, AlertIdArgs, NoArgs


def alert_handlers(store: AlertStore) -> dict[str, Handler]:
    def set_alert(args: AlertArgs, ctx: ToolContext) -> ToolOutcome:
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
