;;; cairn-mode.el --- Major mode for Cairn clinical practice guidelines -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages
;; License: Apache-2.0

;;; Commentary:

;; Editing support for Cairn guidelines (*.cairn): syntax highlighting,
;; indentation, comments, and the language server `cairn lsp' through
;; eglot (diagnostics, hover, go to definition, references, completion,
;; outline).  The keyword lists follow the kw_* rules of grammar/cairn.pest;
;; the project's tests check that they stay in step.

;;; Code:

(defgroup cairn nil
  "Editing Cairn clinical practice guidelines."
  :group 'languages
  :prefix "cairn-")

(defcustom cairn-indent-offset 2
  "Number of columns per level of braces, brackets or parentheses.
The default matches the layout `cairn fmt' writes."
  :type 'integer
  :safe #'integerp)

(defcustom cairn-server-command '("cairn" "lsp")
  "Command that starts the Cairn language server, for eglot."
  :type '(repeat string))

(defconst cairn-declaration-keywords
  '("guideline" "include" "grading" "fact" "group" "define" "constraint" "table" "schedule"
    "section" "references")
  "Keywords that start a declaration.")

(defconst cairn-recommendation-keywords
  '("recommend" "suggest" "option" "consider" "do-not-offer" "discourage" "refer" "inform")
  "The kinds of recommendation.")

(defconst cairn-control-keywords
  '("when" "then" "otherwise" "first")
  "Conditional keywords.")

(defconst cairn-operator-keywords
  '("and" "or" "not" "in" "is" "known" "unknown" "any" "all" "none" "of" "count" "most" "exactly" "between" "implies" "contains" "empty")
  "Operators written as words.")

(defconst cairn-type-keywords
  '("bool" "integer" "number" "quantity" "date" "enum" "list")
  "Type names.")

(defconst cairn-constant-keywords
  '("true" "false")
  "Boolean literals.")

(defconst cairn-field-keywords
  '("strength" "kind" "about" "statement" "rationale" "alternative" "note" "detail" "cite" "see"
    "excludes" "acknowledge" "with" "dated" "code" "key" "column" "row" "from" "every" "for"
    "until" "as" "at" "least" "study" "alternating" "to" "after" "fractions" "exhaustive"
    "score" "point" "points" "molar" "mass" "where" "never" "absent" "means")
  "Field and clause keywords.")

(defun cairn--words (words)
  "A regexp matching any of WORDS as a whole word (hyphens included)."
  (concat "\\_<" (regexp-opt words t) "\\_>"))

(defconst cairn-name-regexp "[A-Za-z_][A-Za-z0-9_]*"
  "A Cairn name.")

(defun cairn--placeholder-matcher (limit)
  "Find the next `{name}' placeholder inside a string before LIMIT."
  (let (found)
    (while (and (not found)
                (re-search-forward "{[A-Za-z_][A-Za-z0-9_]*\\(?:\\.[A-Za-z_][A-Za-z0-9_]*\\)?}" limit t))
      (when (nth 3 (syntax-ppss (match-beginning 0)))
        (setq found t)))
    found))

(defconst cairn-font-lock-keywords
  `(("///.*$" 0 font-lock-doc-face t)
    (cairn--placeholder-matcher 0 font-lock-variable-name-face t)
    (,(concat (cairn--words cairn-declaration-keywords) "[ \t]+\\(" cairn-name-regexp "\\)")
     (1 font-lock-keyword-face) (2 font-lock-function-name-face))
    ;; Only before `{': in `kind suggest when ...' the word after the kind is no name.
    (,(concat (cairn--words cairn-recommendation-keywords) "[ \t]+\\(" cairn-name-regexp "\\)[ \t]*{")
     (1 font-lock-builtin-face) (2 font-lock-function-name-face))
    (,(cairn--words cairn-declaration-keywords) . font-lock-keyword-face)
    (,(cairn--words cairn-recommendation-keywords) . font-lock-builtin-face)
    ("\\_<\\(?:strength\\|otherwise\\)[ \t]+\\([12][A-Ca-c]\\)\\_>" 1 font-lock-constant-face)
    ;; The other grading schemes: `class 2a level B-NR', `grade B level 1b', `offer'.
    ("\\_<\\(?:strength\\|otherwise\\)[ \t]+\\(class\\|grade\\)[ \t]+\\(3[ \t]+no[ \t]+benefit\\|3[ \t]+harm\\|[A-DI]\\|1\\|2a\\|2b\\)\\_>"
     (1 font-lock-keyword-face) (2 font-lock-constant-face))
    ("\\_<\\(level\\)[ \t]+\\(B-NR\\|B-R\\|C-LD\\|C-EO\\|A\\|[1-5][abc]?\\)\\_>"
     (1 font-lock-keyword-face) (2 font-lock-constant-face))
    ("\\_<\\(?:strength\\|otherwise\\)[ \t]+\\(offer\\)\\_>" 1 font-lock-constant-face)
    (,(cairn--words cairn-control-keywords) . font-lock-keyword-face)
    (,(cairn--words cairn-operator-keywords) . font-lock-keyword-face)
    (,(cairn--words cairn-type-keywords) . font-lock-type-face)
    (,(cairn--words cairn-constant-keywords) . font-lock-constant-face)
    (,(cairn--words cairn-field-keywords) . font-lock-keyword-face)
    ("\\_<[0-9]\\{4\\}-[0-9]\\{2\\}-[0-9]\\{2\\}\\_>" . font-lock-constant-face)
    ("\\_<_\\_>" . font-lock-constant-face))
  "Highlighting for `cairn-mode'.")

(defvar cairn-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?/ ". 124" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?- "_" table)
    (modify-syntax-entry ?. "." table)
    (modify-syntax-entry ?= "." table)
    (modify-syntax-entry ?< "." table)
    (modify-syntax-entry ?> "." table)
    (modify-syntax-entry ?+ "." table)
    (modify-syntax-entry ?* "." table)
    table)
  "Syntax table for `cairn-mode'.")

(defun cairn-indent-line ()
  "Indent the current line by the nesting depth of brackets around it."
  (interactive)
  (let* ((depth (save-excursion
                  (car (syntax-ppss (line-beginning-position)))))
         (closer (save-excursion
                   (back-to-indentation)
                   (looking-at-p "[]})]")))
         (column (* cairn-indent-offset (max 0 (- depth (if closer 1 0))))))
    (if (<= (current-column) (current-indentation))
        (indent-line-to column)
      (save-excursion (indent-line-to column)))))

(declare-function eglot-ensure "eglot")
(defvar eglot-server-programs)

;;;###autoload
(define-derived-mode cairn-mode prog-mode "Cairn"
  "Major mode for Cairn clinical practice guidelines."
  :syntax-table cairn-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "//+[ \t]*")
  (setq-local indent-line-function #'cairn-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local electric-indent-chars (append "{}[]()" electric-indent-chars))
  (setq-local font-lock-defaults '(cairn-font-lock-keywords)))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.cairn\\'" . cairn-mode))

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `(cairn-mode . ,(lambda (&optional _interactive) cairn-server-command))))

(provide 'cairn-mode)
;;; cairn-mode.el ends here
