"""The server's feature list: every listed module loads or the server refuses to start, and every
navigation request is advertised."""

from __future__ import annotations

import pytest
from drvls.lsp import features, notifications
from drvls.lsp.features import FeatureLoadError, register_features
from drvls.lsp.server import DrvlsServer, create_server, serve
from lsp_support import Editor
from lsprotocol import types


def test_every_listed_feature_loads() -> None:
    assert register_features(DrvlsServer()) == list(features.FEATURE_MODULES)


def test_a_missing_feature_module_is_an_error_not_a_silent_skip() -> None:
    with pytest.raises(FeatureLoadError, match=r"drvls\.lsp\.requests\.no_such_request"):
        register_features(DrvlsServer(), ("drvls.lsp.requests.definition", "drvls.lsp.requests.no_such_request"))


def test_the_server_refuses_to_start_without_a_listed_feature(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(features, "FEATURE_MODULES", (*features.FEATURE_MODULES, "drvls.lsp.requests.gone"))
    with pytest.raises(FeatureLoadError):
        create_server()
    assert serve() == 1
    assert "drvls.lsp.requests.gone could not be loaded" in capsys.readouterr().err


async def test_navigation_is_advertised(pull_editor: Editor) -> None:
    caps = pull_editor.init.capabilities
    for provider in ("definition_provider", "declaration_provider", "references_provider",
                     "document_highlight_provider", "document_symbol_provider", "workspace_symbol_provider",
                     "folding_range_provider", "selection_range_provider", "document_link_provider"):
        assert getattr(caps, provider), provider


NOTIFICATIONS = (types.INITIALIZED, types.TEXT_DOCUMENT_DID_OPEN, types.TEXT_DOCUMENT_DID_CHANGE,
                 types.TEXT_DOCUMENT_DID_CLOSE, types.TEXT_DOCUMENT_DID_SAVE, types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                 types.WORKSPACE_DID_CHANGE_CONFIGURATION, types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)


def test_every_notification_has_its_handler_from_its_own_module() -> None:
    server = create_server()
    handlers = server.protocol.fm.features
    for method in NOTIFICATIONS:
        assert method in handlers, method
        module = handlers[method].__module__
        assert module.startswith("drvls.lsp.notifications."), (method, module)
        assert module in notifications.NOTIFICATION_MODULES


def test_the_server_refuses_to_start_without_a_listed_notification(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notifications, "NOTIFICATION_MODULES",
                        (*notifications.NOTIFICATION_MODULES, "drvls.lsp.notifications.did_rename"))
    with pytest.raises(FeatureLoadError, match=r"drvls\.lsp\.notifications\.did_rename could not be loaded"):
        create_server()
