"""The `nigehbaan` command."""

from __future__ import annotations

import typer

from nigehbaan.cli import audit, cases, chats, evidence, instance, portal, synth, users
from nigehbaan.cli import matching as matching_cli
from nigehbaan.cli import referrals as referrals_cli
from nigehbaan.cli import stats as stats_cli

app = typer.Typer(help="Nigehbaan: case intelligence for child-protection cybercrime units.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
app.command("init")(instance.init)
app.command("serve")(instance.serve)
app.command("demo")(instance.demo)
app.command("portal")(portal.portal)
app.command("portal-grants")(portal.portal_grants)
app.add_typer(users.app, name="user")
app.add_typer(cases.app, name="case")
app.add_typer(audit.app, name="audit")
app.add_typer(chats.app, name="chat")
app.add_typer(evidence.app, name="evidence")
app.add_typer(matching_cli.hashlist_app, name="hashlist")
app.command("match")(matching_cli.match)
app.add_typer(matching_cli.matches_app, name="matches")
app.add_typer(instance.statutes_app, name="statutes")
app.command("synth")(synth.synth)
app.add_typer(referrals_cli.app, name="referral")
app.command("stats")(stats_cli.stats)


def run() -> None:
    app()
