" Cairn clinical practice guidelines: *.cairn files.
autocmd BufRead,BufNewFile *.cairn setfiletype cairn
