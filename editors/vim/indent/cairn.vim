" Indentation for Cairn guidelines: one level per open brace, bracket or
" parenthesis; a line starting with a closer goes back one level.
if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=CairnIndent(v:lnum)
setlocal indentkeys=0{,0},0],0),!^F,o,O
setlocal autoindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent<'

if exists('*CairnIndent')
  finish
endif

" The net number of openers on a line, ignoring strings and comments.
function! s:Balance(line) abort
  let l:text = substitute(a:line, '"\%(\\.\|[^"\\]\)*"', '""', 'g')
  let l:text = substitute(l:text, '//.*$', '', '')
  let l:open = len(substitute(l:text, '[^{[(]', '', 'g'))
  let l:close = len(substitute(l:text, '[^}\])]', '', 'g'))
  " A line that starts with a closer was already dedented by one.
  if l:text =~# '^\s*[}\])]'
    let l:close -= 1
  endif
  return l:open - l:close
endfunction

function! CairnIndent(lnum) abort
  let l:prev = prevnonblank(a:lnum - 1)
  if l:prev == 0
    return 0
  endif
  let l:ind = indent(l:prev) + s:Balance(getline(l:prev)) * shiftwidth()
  if getline(a:lnum) =~# '^\s*[}\])]'
    let l:ind -= shiftwidth()
  endif
  return max([l:ind, 0])
endfunction
