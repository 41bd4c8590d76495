;;; drvls-eglot.el --- drvls in Emacs with eglot  -*- lexical-binding: t; -*-

;; Load it from your init file: (load "/path/to/drvls/docs/editors/drvls-eglot.el")
;; Needs eglot (built in from Emacs 29; `apt-get install elpa-eglot' or M-x package-install on 28).

(require 'eglot)
(require 'nxml-mode)

(defvar camkes-mode-syntax-table
  (let ((table (make-syntax-table)))
    (modify-syntax-entry ?/ ". 124b" table)   ; // and /* */ comments
    (modify-syntax-entry ?* ". 23" table)
    (modify-syntax-entry ?\n "> b" table)
    (modify-syntax-entry ?_ "_" table)
    table)
  "Syntax table of `camkes-mode'.")

(defconst camkes-font-lock-keywords
  (list (regexp-opt '("assembly" "composition" "configuration" "component" "connector" "connection"
                      "procedure" "event" "dataport" "import" "include" "control" "uses" "provides"
                      "emits" "consumes" "attribute" "from" "to" "maybe" "hardware" "group" "export"
                      "template" "struct" "method")
                    'symbols))
  "Keywords of CAmkES ADL and IDL files.")

;;;###autoload
(define-derived-mode camkes-mode prog-mode "CAmkES"
  "Major mode for CAmkES `.camkes' and `.idl4' files."
  :syntax-table camkes-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local font-lock-defaults '(camkes-font-lock-keywords)))

;;;###autoload
(define-derived-mode microkit-system-mode nxml-mode "Microkit"
  "Major mode for Microkit `.system' files: XML, checked by drvls.")

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.\\(camkes\\|idl4\\)\\'" . camkes-mode))
;;;###autoload
(add-to-list 'auto-mode-alist '("\\.system\\'" . microkit-system-mode))

(add-to-list 'eglot-server-programs '((camkes-mode microkit-system-mode) . ("drvls" "serve")))

;; Start drvls when such a file is opened.
(add-hook 'camkes-mode-hook #'eglot-ensure)
(add-hook 'microkit-system-mode-hook #'eglot-ensure)

(provide 'drvls-eglot)
;;; drvls-eglot.el ends here
