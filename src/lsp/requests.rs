//! Language server: answering requests.
//!
//! Each request is decoded, matched with its open document and handed to
//! the feature that answers it (`features`, `actions`, `rename`, `golden`);
//! a feature that refuses (a rename to a name already declared, say)
//! answers with a `RequestFailed` error carrying its reason.

use super::analysis::uri_to_path;
use super::{actions, features, golden, rename, Doc, LspError, Server, RUN_TESTS};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::Uri;

impl Server<'_> {
    pub(super) fn request(&mut self, r: Request) -> Response {
        let id = r.id.clone();
        let result = match r.method.as_str() {
            req::HoverRequest::METHOD => self.with::<req::HoverRequest>(r, |d, p| {
                features::hover(&d.analysis, p.text_document_position_params.position)
            }),
            req::GotoDefinition::METHOD => self.with::<req::GotoDefinition>(r, |d, p| {
                let position = p.text_document_position_params.position;
                let found = features::definition(&d.analysis, position);
                Some(lsp_types::GotoDefinitionResponse::Array(found))
            }),
            req::References::METHOD => self.with::<req::References>(r, |d, p| {
                let include = p.context.include_declaration;
                Some(features::references(
                    &d.analysis,
                    p.text_document_position.position,
                    include,
                ))
            }),
            req::Completion::METHOD => self.with::<req::Completion>(r, |d, p| {
                let position = p.text_document_position.position;
                let items = features::completion(&d.analysis, &d.text, &d.lines, position);
                Some(lsp_types::CompletionResponse::Array(items))
            }),
            req::DocumentSymbolRequest::METHOD => {
                self.with::<req::DocumentSymbolRequest>(r, |d, _| {
                    let symbols = features::symbols(&d.analysis, &d.analysis.decls);
                    Some(lsp_types::DocumentSymbolResponse::Nested(symbols))
                })
            }
            req::Formatting::METHOD => self.with::<req::Formatting>(r, |d, _| {
                let name = d.path.to_string_lossy();
                features::formatting(&name, &d.text, &d.lines)
            }),
            req::CodeActionRequest::METHOD => self.with::<req::CodeActionRequest>(r, |d, p| {
                let name = d.path.to_string_lossy();
                let fixes = self
                    .docs
                    .values()
                    .flat_map(|other| actions::fresh_fixes(&other.analysis, &name, &d.text));
                let uri = &p.text_document.uri;
                Some(actions::actions(&d.analysis, uri, &d.text, p.range, fixes))
            }),
            req::PrepareRenameRequest::METHOD => self
                .fallible::<req::PrepareRenameRequest>(r, |_, d, p| {
                    rename::prepare(&d.analysis, p.position).map(Some)
                }),
            req::Rename::METHOD => self.fallible::<req::Rename>(r, |server, d, p| {
                let position = p.text_document_position.position;
                let open = server.open_texts();
                rename::rename(
                    &d.analysis,
                    (&d.path, &d.text),
                    &open,
                    position,
                    &p.new_name,
                )
                .map(Some)
            }),
            req::CodeLensRequest::METHOD => self.with::<req::CodeLensRequest>(r, |d, p| {
                Some(golden::lenses(&d.analysis, &p.text_document.uri, &d.path))
            }),
            req::ExecuteCommand::METHOD => self.execute(r),
            _ => Err(Response::new_err(
                id.clone(),
                ErrorCode::MethodNotFound as i32,
                format!("unsupported request `{}`", r.method),
            )),
        };
        match result {
            Ok(value) => Response {
                id,
                result: Some(value),
                error: None,
            },
            Err(response) => response,
        }
    }

    /// Decodes a request's parameters, finds its document and runs `f`;
    /// errors become error responses. Only completion and formatting read
    /// the current text; the other features answer from the last analysis
    /// (a few edits old at most while the worker catches up).
    fn with<R>(
        &self,
        r: Request,
        f: impl FnOnce(&Doc, R::Params) -> R::Result,
    ) -> Result<serde_json::Value, Response>
    where
        R: lsp_types::request::Request,
        R::Params: serde::de::DeserializeOwned + HasUri,
        R::Result: serde::Serialize,
    {
        self.fallible::<R>(r, |_, doc, params| Ok(f(doc, params)))
    }
}

impl Server<'_> {
    /// Like [`Server::with`] for features that can refuse: an `Err` becomes
    /// a `RequestFailed` error response carrying its message.
    fn fallible<R>(
        &self,
        r: Request,
        f: impl FnOnce(&Self, &Doc, R::Params) -> Result<R::Result, String>,
    ) -> Result<serde_json::Value, Response>
    where
        R: lsp_types::request::Request,
        R::Params: serde::de::DeserializeOwned + HasUri,
        R::Result: serde::Serialize,
    {
        let id: RequestId = r.id.clone();
        let params: R::Params = serde_json::from_value(r.params).map_err(|e| {
            Response::new_err(id.clone(), ErrorCode::InvalidParams as i32, e.to_string())
        })?;
        let Some(doc) = self.docs.get(params.uri()) else {
            return Err(Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("document `{}` is not open", params.uri().as_str()),
            ));
        };
        match f(self, doc, params) {
            Ok(result) => serde_json::to_value(result)
                .map_err(|e| Response::new_err(id, ErrorCode::InternalError as i32, e.to_string())),
            Err(message) => Err(Response::new_err(
                id,
                ErrorCode::RequestFailed as i32,
                message,
            )),
        }
    }

    /// `workspace/executeCommand`: only [`RUN_TESTS`], whose argument is
    /// the URI of a guideline (open or not).
    fn execute(&self, r: Request) -> Result<serde_json::Value, Response> {
        let id = r.id.clone();
        let invalid = |message: String| {
            Response::new_err(id.clone(), ErrorCode::InvalidParams as i32, message)
        };
        let params: lsp_types::ExecuteCommandParams =
            serde_json::from_value(r.params).map_err(|e| invalid(e.to_string()))?;
        if params.command != RUN_TESTS {
            return Err(invalid(format!(
                "unknown command `{}`; the server runs `{RUN_TESTS}`",
                params.command
            )));
        }
        let uri: Uri = params
            .arguments
            .first()
            .and_then(|a| a.as_str())
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| invalid(format!("`{RUN_TESTS}` takes the guideline's URI")))?;
        let path = self
            .docs
            .get(&uri)
            .map(|d| d.path.clone())
            .unwrap_or_else(|| uri_to_path(&uri));
        let report = golden::run(&path);
        let failed = |e: LspError| {
            Response::new_err(id.clone(), ErrorCode::InternalError as i32, e.to_string())
        };
        for (case, diagnostics) in golden::case_diagnostics(&report) {
            self.publish(case, diagnostics, None).map_err(failed)?;
        }
        let kind = if report.failed == 0 && !report.cases.is_empty() {
            lsp_types::MessageType::INFO
        } else {
            lsp_types::MessageType::ERROR
        };
        let shown = lsp_types::ShowMessageParams {
            typ: kind,
            message: golden::message(&report),
        };
        let n = Notification::new(note::ShowMessage::METHOD.into(), shown);
        self.send(Message::Notification(n)).map_err(failed)?;
        serde_json::to_value(golden::summary(&report)).map_err(|e| failed(LspError::Encode(e)))
    }
}

/// Request parameters that name a document.
trait HasUri {
    fn uri(&self) -> &Uri;
}

impl HasUri for lsp_types::HoverParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position_params.text_document.uri
    }
}

impl HasUri for lsp_types::GotoDefinitionParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position_params.text_document.uri
    }
}

impl HasUri for lsp_types::ReferenceParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position.text_document.uri
    }
}

impl HasUri for lsp_types::CompletionParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position.text_document.uri
    }
}

impl HasUri for lsp_types::DocumentSymbolParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}

impl HasUri for lsp_types::DocumentFormattingParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}

impl HasUri for lsp_types::CodeActionParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}

impl HasUri for lsp_types::TextDocumentPositionParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}

impl HasUri for lsp_types::RenameParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position.text_document.uri
    }
}

impl HasUri for lsp_types::CodeLensParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}
