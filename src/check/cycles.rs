//! Check stage: cyclic definitions and the evaluation order.
//!
//! The definitions and the reads between them form a graph. A depth-first
//! search in declaration order yields the evaluation order (each definition
//! after everything it reads) and finds each cycle once.

use super::ctx::Checker;
use super::error::CheckError;
use super::model::DefId;
use crate::source::Span;

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Open,
    Closed,
}

impl<'a> Checker<'a> {
    /// Computes `model.def_order` and reports every cycle.
    pub(crate) fn order_defs(&mut self) {
        let n = self.model.defs.len();
        let mut mark = vec![Mark::New; n];
        let mut in_cycle = vec![false; n];
        let mut order = Vec::with_capacity(n);
        let mut cycles: Vec<(Vec<usize>, Span)> = Vec::new();
        for root in 0..n {
            if mark[root] != Mark::New {
                continue;
            }
            // Each frame: a definition and the index of the next read to follow.
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            mark[root] = Mark::Open;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let deps = self.def_deps.get(node).map(Vec::as_slice).unwrap_or(&[]);
                if let Some(&(dep, at)) = deps.get(*next) {
                    *next += 1;
                    let dep = dep.0 as usize;
                    match mark.get(dep).copied() {
                        Some(Mark::New) => {
                            mark[dep] = Mark::Open;
                            stack.push((dep, 0));
                        }
                        Some(Mark::Open) => {
                            let start = stack.iter().position(|(d, _)| *d == dep).unwrap_or(0);
                            let path: Vec<usize> = stack[start..].iter().map(|(d, _)| *d).collect();
                            if !path.iter().any(|d| in_cycle[*d]) {
                                for d in &path {
                                    in_cycle[*d] = true;
                                }
                                cycles.push((path, at));
                            }
                        }
                        _ => {}
                    }
                } else {
                    mark[node] = Mark::Closed;
                    order.push(DefId(node as u32));
                    stack.pop();
                }
            }
        }
        self.model.def_order = order;
        for (path, back) in cycles {
            self.report_cycle(&path, back);
        }
    }

    fn report_cycle(&mut self, path: &[usize], back: Span) {
        let name_of = |d: usize| {
            self.model
                .defs
                .get(d)
                .map(|i| i.name.clone())
                .unwrap_or_default()
        };
        let Some(&first) = path.first() else { return };
        let mut names: Vec<String> = path.iter().map(|d| name_of(*d)).collect();
        names.push(name_of(first));
        let span = self
            .model
            .defs
            .get(first)
            .map(|d| d.span)
            .unwrap_or_default();
        let back = (back.file == span.file && back != span).then(|| back.miette());
        self.report(
            span,
            CheckError::Cycle {
                name: name_of(first),
                path: names.join(" -> "),
                span: span.miette(),
                back,
            },
        );
    }
}
