" Filetype plugin for Cairn guidelines: comments, indentation, formatting.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal comments=:///,:// commentstring=//\ %s
setlocal formatoptions-=t formatoptions+=croql
setlocal expandtab shiftwidth=4 softtabstop=4
setlocal iskeyword=@,48-57,_
setlocal suffixesadd=.cairn
" `gq` reformats through the canonical formatter (reads stdin, writes stdout).
setlocal formatprg=cairn\ fmt\ -

let b:undo_ftplugin = 'setlocal comments< commentstring< formatoptions< expandtab< shiftwidth< softtabstop< iskeyword< suffixesadd< formatprg<'
