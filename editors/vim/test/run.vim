" Headless tests of the Vim runtime files, run by editors/test.sh as
"   vim -Nu NONE -i NONE -es -S editors/vim/test/run.vim
" Failures are written to $CAIRN_VIM_RESULT (one per line); Vim exits
" non-zero when there is any.
set nocompatible
let s:here = expand('<sfile>:p:h')
let s:runtime = fnamemodify(s:here, ':h')
let &runtimepath = s:runtime . ',' . &runtimepath
filetype plugin indent on
syntax on
let s:errors = []

function! s:Check(name, got, want) abort
  if a:got !=# a:want
    call add(s:errors, a:name . ': got `' . a:got . '`, want `' . a:want . '`')
  endif
endfunction

" ftdetect and ftplugin.
execute 'edit ' . fnameescape(s:here . '/syntax.cairn')
call s:Check('filetype', &filetype, 'cairn')
call s:Check('syntax', b:current_syntax, 'cairn')
call s:Check('commentstring', &commentstring, '// %s')
call s:Check('formatprg', &formatprg, shellescape(s:runtime . '/bin/cairn-fmt-filter'))
call s:Check('shiftwidth', &shiftwidth, 2)

" Syntax groups at the positions the `//~` lines mark.
let s:target = 0
let s:count = 0
for s:lnum in range(1, line('$'))
  let s:line = getline(s:lnum)
  if s:line !~# '^//\~'
    let s:target = s:lnum
    continue
  endif
  let s:m = matchlist(s:line, '^//\~\%(<\(-\+\)\|\(\s*\)\(\^\+\)\)\s\+\(\w\+\)$')
  if empty(s:m)
    call add(s:errors, 'line ' . s:lnum . ': malformed assertion')
    continue
  endif
  let [s:first, s:len] = empty(s:m[1]) ? [3 + len(s:m[2]), len(s:m[3])] : [0, len(s:m[1])]
  let s:text = getline(s:target)
  for s:char in range(s:first, s:first + s:len - 1)
    let s:col = byteidx(s:text, s:char) + 1
    let s:group = synIDattr(synID(s:target, s:col, 1), 'name')
    let s:count += 1
    if s:group !=# s:m[4]
      call add(s:errors, printf('line %d char %d (`%s`): got %s, want %s',
            \ s:target, s:char, strcharpart(s:text, s:char, 1), s:group, s:m[4]))
      break
    endif
  endfor
endfor
if s:count < 100
  call add(s:errors, 'only ' . s:count . ' characters checked')
endif

" Indentation: re-indenting the sample from flush-left restores it.
execute 'edit ' . fnameescape(s:runtime . '/../samples/sarcoma.cairn')
let s:want = getline(1, '$')
silent %s/^\s\+//e
silent normal! gg=G
let s:got = getline(1, '$')
for s:i in range(len(s:want))
  if get(s:got, s:i, '') !=# s:want[s:i]
    call add(s:errors, printf('indent line %d: got `%s`, want `%s`', s:i + 1, get(s:got, s:i, ''), s:want[s:i]))
  endif
endfor
set nomodified

let s:out = empty($CAIRN_VIM_RESULT) ? '/dev/stderr' : $CAIRN_VIM_RESULT
call writefile(s:errors + ['checked ' . s:count . ' characters'], s:out)
if empty(s:errors)
  qall!
else
  cquit!
endif
