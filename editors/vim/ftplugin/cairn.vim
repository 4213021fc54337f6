" Filetype plugin for Cairn guidelines: comments, indentation, formatting.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal comments=:///,:// commentstring=//\ %s
setlocal formatoptions-=t formatoptions+=croql
" Two spaces per level, as `cairn fmt` writes.
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal iskeyword=@,48-57,_
setlocal suffixesadd=.cairn
" `gq` reformats through the canonical formatter `cairn fmt`; the filter
" leaves the text alone when it does not parse.
let &l:formatprg = shellescape(expand('<sfile>:p:h:h') . '/bin/cairn-fmt-filter')

let b:undo_ftplugin = 'setlocal comments< commentstring< formatoptions< expandtab< shiftwidth< softtabstop< iskeyword< suffixesadd< formatprg<'
