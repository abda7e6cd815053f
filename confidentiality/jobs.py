"""Periodic jobs of the confidentiality domain (registered from AppConfig.ready())."""

from __future__ import annotations

import logging
from datetime import timedelta

from lib.jobs import register_job

from .selectors import audit_verify_chain

log = logging.getLogger(__name__)


@register_job("audit.verify_chain", timedelta(days=1))
def verify_audit_chain() -> str:
    report = audit_verify_chain()
    if not report.intact:
        log.error("audit chain broken: %s", report.problem)
        raise RuntimeError(report.problem)
    return f"{report.checked} audit entries verified"
