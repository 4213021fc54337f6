" Vim syntax file
" Language:    Cairn (clinical practice guidelines, *.cairn)
" Keep the keyword lists equal to the kw_* rules of grammar/cairn.pest;
" tests/it/editors.rs checks that they are.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" Names and numbers first, so keywords (defined later) win over them.
syn match cairnIdentifier /\<[A-Za-z_][A-Za-z0-9_]*\>/
syn match cairnWildcard   /\<_\>/
syn match cairnNumber     /\<\d\+\%(\.\d\+\)\=\>/
syn match cairnQuantity   /\<\d\+\%(\.\d\+\)\=\s*\%(\%(and\|or\|not\|in\|is\|known\|unknown\|true\|false\|when\|then\|otherwise\|first\|of\|to\|after\|fractions\|implies\|strength\|kind\|about\|statement\|rationale\|alternative\|note\|detail\|points\|point\|schedule\|cite\|see\|excludes\|acknowledge\|row\|column\|key\|study\|every\|for\|until\|molar\|mass\|where\)\>\)\@!\%(%\|[A-Za-zµμ][A-Za-z0-9µμ/]*\)/ contains=cairnNumber,cairnUnit
syn match cairnUnit       /\%(\d\s*\)\@<=\%(%\|[A-Za-zµμ][A-Za-z0-9µμ/]*\)/ contained
syn match cairnDate       /\<\d\{4}-\d\{2}-\d\{2}\>/
syn match cairnGrade      /\%(\<\%(strength\|otherwise\)\s\+\)\@<=[12][A-Ca-c]\>/
" Strengths of the other grading schemes: ACC/AHA `class 2a level B-NR`,
" USPSTF and Oxford CEBM `grade B` (`level 1b`), NICE `offer`.
syn match cairnGradeWord  /\%(\<\%(strength\|otherwise\)\s\+\)\@<=\%(class\|grade\)\>/
syn match cairnGrade      /\%(\<\%(strength\|otherwise\)\s\+class\s\+\)\@<=\%(3\s\+no\s\+benefit\|3\s\+harm\|2a\|2b\|1\)\>/
syn match cairnGrade      /\%(\<\%(strength\|otherwise\)\s\+grade\s\+\)\@<=[A-DI]\>/
syn match cairnGradeWord  /\%(\<\%(strength\|otherwise\)\s\+\%(class\|grade\)\s\+\S\+\%(\s\+no\s\+benefit\|\s\+harm\)\=\s\+\)\@<=level\>/
syn match cairnGrade      /\%(\<level\s\+\)\@<=\%(B-NR\|B-R\|C-LD\|C-EO\|A\|[1-5][abc]\=\)\>/
syn match cairnGrade      /\%(\<\%(strength\|otherwise\)\s\+\)\@<=offer\>/

syn match cairnOperator   /->\|<=\|>=\|!=\|≤\|≥\|≠\|[=<>+*\/-]/
syn match cairnDelimiter  /[{}\[\](),:.]/

" Declarations: the keyword and the name it declares.
syn keyword cairnDeclaration guideline include grading fact group define constraint table schedule section references nextgroup=cairnDeclName skipwhite
" In `kind suggest when ...` the word after the kind is `when`, not a name.
syn match   cairnDeclName    /\<\%(when\>\)\@![A-Za-z_][A-Za-z0-9_]*\>/ contained
syn keyword cairnRecKind     recommend suggest option consider discourage refer inform nextgroup=cairnDeclName skipwhite
syn match   cairnRecKind     /\<do-not-offer\>/ nextgroup=cairnDeclName skipwhite

syn keyword cairnConditional when then otherwise first
syn keyword cairnOperatorWord and or not in is known unknown any all none of count most exactly between implies empty
" `contains` is an argument name of :syn keyword, so it is matched instead.
syn match   cairnOperatorWord "\<contains\>"
syn keyword cairnType        bool integer number quantity date enum list
syn keyword cairnBoolean     true false
syn keyword cairnField       strength kind about statement rationale alternative note detail cite see excludes acknowledge with
syn keyword cairnModifier    exhaustive
syn keyword cairnKeyword     dated code key column row from as every for until at least study alternating to after fractions score point points molar mass where never absent means

syn match  cairnEscape      /\\./ contained
syn match  cairnPlaceholder /{[A-Za-z_][A-Za-z0-9_]*\%(\.[A-Za-z_][A-Za-z0-9_]*\)\=}/ contained
syn region cairnString start=/"/ skip=/\\./ end=/"/ contains=cairnEscape,cairnPlaceholder,@Spell

syn keyword cairnTodo    TODO FIXME XXX NOTE contained
syn match   cairnComment /\/\/.*$/ contains=cairnTodo,@Spell
syn match   cairnDoc     /\/\/\/.*$/ contains=cairnTodo,@Spell

hi def link cairnIdentifier   Identifier
hi def link cairnWildcard     Special
hi def link cairnNumber       Number
hi def link cairnUnit         Type
hi def link cairnDate         Constant
hi def link cairnGrade        Constant
hi def link cairnGradeWord    Keyword
hi def link cairnOperator     Operator
hi def link cairnDelimiter    Delimiter
hi def link cairnDeclaration  Structure
hi def link cairnDeclName     Function
hi def link cairnRecKind      Statement
hi def link cairnConditional  Conditional
hi def link cairnOperatorWord Operator
hi def link cairnType         Type
hi def link cairnBoolean      Boolean
hi def link cairnField        Keyword
hi def link cairnKeyword      Keyword
hi def link cairnModifier     StorageClass
hi def link cairnEscape       SpecialChar
hi def link cairnPlaceholder  Special
hi def link cairnString       String
hi def link cairnTodo         Todo
hi def link cairnComment      Comment
hi def link cairnDoc          SpecialComment

let b:current_syntax = 'cairn'

let &cpo = s:cpo_save
unlet s:cpo_save
