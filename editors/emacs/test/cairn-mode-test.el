;;; cairn-mode-test.el --- ERT tests for cairn-mode -*- lexical-binding: t; -*-

;;; Commentary:

;; Run by editors/test.sh:
;;   CAIRN_BIN=target/debug/cairn emacs --batch -Q -L editors/emacs \
;;     -l editors/emacs/test/cairn-mode-test.el -f ert-run-tests-batch-and-exit

;;; Code:

(require 'ert)
(require 'cairn-mode)

(defconst cairn-test-root
  (expand-file-name "../../.." (file-name-directory (or load-file-name buffer-file-name)))
  "The repository root.")

(defun cairn-test-file (path)
  "The text of PATH, relative to the repository root."
  (with-temp-buffer
    (insert-file-contents (expand-file-name path cairn-test-root))
    (buffer-string)))

(defmacro cairn-test-with (text &rest body)
  "Run BODY in a fontified `cairn-mode' buffer holding TEXT."
  (declare (indent 1))
  `(with-temp-buffer
     (insert ,text)
     (cairn-mode)
     (font-lock-ensure)
     (goto-char (point-min))
     ,@body))

(defun cairn-test-face-at (needle &optional nth)
  "The face at the start of the NTH (default 0) occurrence of NEEDLE."
  (goto-char (point-min))
  (dotimes (_ (1+ (or nth 0)))
    (search-forward needle))
  (let ((face (get-text-property (match-beginning 0) 'face)))
    (if (listp face) (car face) face)))

(ert-deftest cairn-mode-auto-mode ()
  (should (eq (assoc-default "guide.cairn" auto-mode-alist #'string-match) 'cairn-mode)))

(ert-deftest cairn-mode-every-grammar-keyword-has-a-face ()
  "Every kw_* rule of grammar/cairn.pest is highlighted on its own."
  (let ((grammar (cairn-test-file "grammar/cairn.pest"))
        (start 0)
        (count 0))
    (while (string-match "^kw_[a-z_]+ *= *@{ *\"\\([^\"]+\\)\"" grammar start)
      (let ((word (match-string 1 grammar)))
        (setq start (match-end 0) count (1+ count))
        (cairn-test-with (concat word "\n")
          ;; The word is in the comparison so a failure names it.
          (should (equal (list word (and (memq (get-text-property 1 'face)
                                               '(font-lock-keyword-face font-lock-builtin-face
                                                 font-lock-type-face font-lock-constant-face))
                                         t))
                         (list word t))))))
    (should (> count 50))))

(ert-deftest cairn-mode-faces-of-grading-schemes ()
  (cairn-test-with (cairn-test-file "tests/corpus/grading/acc_aha/acc_aha.cairn")
    (should (eq (cairn-test-face-at "class 2a") 'font-lock-keyword-face))
    (should (eq (cairn-test-face-at "2a level") 'font-lock-constant-face))
    (should (eq (cairn-test-face-at "level B-NR") 'font-lock-keyword-face))
    (should (eq (cairn-test-face-at "B-NR") 'font-lock-constant-face))
    (should (eq (cairn-test-face-at "3 harm") 'font-lock-constant-face))
    (should (eq (cairn-test-face-at "C-LD") 'font-lock-constant-face)))
  (cairn-test-with (cairn-test-file "tests/corpus/grading/custom/custom.cairn")
    (should (eq (cairn-test-face-at "grading sign \"") 'font-lock-keyword-face))
    (should (eq (cairn-test-face-at "sign \"SIGN") 'font-lock-function-name-face)))
  (cairn-test-with (cairn-test-file "tests/corpus/grading/nice/nice.cairn")
    (should (eq (cairn-test-face-at "offer when") 'font-lock-constant-face))))

(ert-deftest cairn-mode-faces-in-context ()
  (cairn-test-with (cairn-test-file "editors/samples/sarcoma.cairn")
    (should (eq (cairn-test-face-at "// A small") 'font-lock-comment-delimiter-face))
    (should (eq (cairn-test-face-at "/// Resectability") 'font-lock-doc-face))
    (should (eq (cairn-test-face-at "resectability \"Resect") 'font-lock-function-name-face))
    (should (eq (cairn-test-face-at "\"Resectability on imaging\"") 'font-lock-string-face))
    (should (eq (cairn-test-face-at "Treatment-naïve") 'font-lock-string-face))
    (should (eq (cairn-test-face-at "≥ 2") nil))
    (should (eq (cairn-test-face-at "grade ≥ 2") nil))
    (should (eq (cairn-test-face-at "do-not-offer") 'font-lock-builtin-face))
    (should (eq (cairn-test-face-at "postop_rt") 'font-lock-function-name-face))
    (should (eq (cairn-test-face-at "1B") 'font-lock-constant-face))
    (should (eq (cairn-test-face-at "{grade}") 'font-lock-variable-name-face))
    (should (eq (cairn-test-face-at "2024-01-23") 'font-lock-constant-face))
    (should (eq (cairn-test-face-at "integer 1") 'font-lock-type-face))
    (should (eq (cairn-test-face-at "is known") 'font-lock-keyword-face))
    ;; A keyword inside a string stays a string.
    (should (eq (cairn-test-face-at "only potentially") 'font-lock-string-face))))

(ert-deftest cairn-mode-indents-the-sample ()
  (let ((want (cairn-test-file "editors/samples/sarcoma.cairn")))
    (cairn-test-with want
      (while (re-search-forward "^[ \t]+" nil t) (replace-match ""))
      (should-not (equal (buffer-string) want))
      (indent-region (point-min) (point-max))
      (should (equal (buffer-string) want)))))

(ert-deftest cairn-mode-comments ()
  (cairn-test-with "fact a \"A\": bool\n"
    (comment-region (point-min) (point-max))
    (should (equal (buffer-string) "// fact a \"A\": bool\n"))))

(ert-deftest cairn-mode-eglot-diagnostics ()
  "eglot starts `cairn lsp' and shows the checker's diagnostics."
  (require 'eglot)
  (require 'flymake)
  (let* ((bin (or (getenv "CAIRN_BIN") (expand-file-name "target/debug/cairn" cairn-test-root)))
         (cairn-server-command (list bin "lsp"))
         (dir (make-temp-file "cairn-eglot" t))
         (file (expand-file-name "guide.cairn" dir))
         (eglot-sync-connect t))
    (should (file-executable-p bin))
    (with-temp-file file
      (insert "fact grade \"Grade ≥ μ\": integer 1 to 3\n"
              "suggest r { when grade = 1 and naiv statement \"x\" }\n"))
    (let ((buffer (find-file-noselect file)))
      (unwind-protect
          (with-current-buffer buffer
            (should (eq major-mode 'cairn-mode))
            ;; `eglot-ensure' connects after the next command, through the
            ;; contact registered in `eglot-server-programs'; batch mode has
            ;; no command loop, so run the hook it waits for.
            (eglot-ensure)
            (run-hooks 'post-command-hook)
            (should (eglot-current-server))
            (flymake-start)
            (let ((deadline (+ (float-time) 30)))
              (while (and (< (length (flymake-diagnostics)) 2) (< (float-time) deadline))
                (accept-process-output nil 0.2)))
            (let ((diag (seq-find (lambda (d) (string-match-p "unknown_name"
                                                              (flymake-diagnostic-text d)))
                                  (flymake-diagnostics))))
              (should diag)
              ;; The diagnostic covers `naiv' on line 2.
              (should (equal (buffer-substring (flymake-diagnostic-beg diag)
                                               (flymake-diagnostic-end diag))
                             "naiv"))))
        (with-current-buffer buffer
          (when (eglot-current-server)
            (eglot-shutdown (eglot-current-server))))
        (kill-buffer buffer)
        (delete-directory dir t)))))

(provide 'cairn-mode-test)
;;; cairn-mode-test.el ends here
