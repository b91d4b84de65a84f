"""Counts the invoices waiting in the finance mailbox and posts the count to Slack.

A fixture for connassist's tests: only its bindings matter, it is never run.
"""

from dataclasses import dataclass

from uipath.platform import UiPath


@dataclass
class Input:
    folder: str = "Inbox"


@dataclass
class Output:
    invoices: int = 0


def main(input: Input) -> Output:
    sdk = UiPath()
    outlook = sdk.connections.retrieve("finance-outlook")
    slack = sdk.connections.retrieve("ops-slack")
    del outlook, slack
    return Output(invoices=0)
