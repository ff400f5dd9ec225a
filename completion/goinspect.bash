# bash completion for goinspect(1)
# Installed by `make install` into $(datadir)/bash-completion/completions/goinspect.

_goinspect_snaps()
{
	# snapshot files first; any file or directory is still possible
	local IFS=$'\n'
	COMPREPLY=($(compgen -f -X '!*.snap' -- "$cur") $(compgen -f -X '!*.snap.gz' -- "$cur")
		$(compgen -d -- "$cur"))
	[ ${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
	compopt -o filenames 2> /dev/null
}

_goinspect_pids()
{
	# process IDs, Go programs first: those with a .go.buildinfo are not known without
	# reading them, so every process the user may see is offered
	local p pids=()
	for p in /proc/[0-9]*; do
		[ -r "$p/comm" ] && pids+=("${p#/proc/}")
	done
	COMPREPLY=($(compgen -W "${pids[*]}" -- "$cur"))
}

_goinspect()
{
	local cur prev words cword
	if declare -F _init_completion > /dev/null; then
		_init_completion -n = || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local commands="snapshot show diff export help"
	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	local cmd=${words[1]}
	case "$cmd" in
	help)
		[ "$cword" -eq 2 ] && COMPREPLY=($(compgen -W "snapshot show diff export" -- "$cur"))
		return ;;
	snapshot)
		case "$prev" in
		-o|--output) _goinspect_snaps; return ;;
		--max-stop) COMPREPLY=($(compgen -W "500ms 1s 2s 5s" -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--output --max-stop --no-stop --consistent --gzip --quiet --help" -- "$cur"))
		else
			_goinspect_pids
		fi
		return ;;
	show)
		case "$prev" in
		-n|--top) COMPREPLY=($(compgen -W "5 10 20 50" -- "$cur")); return ;;
		-s|--state) COMPREPLY=($(compgen -W "'chan send' 'chan receive' select 'IO wait' sleep 'sync.Mutex.Lock' 'sync.WaitGroup.Wait' running runnable syscall" -- "$cur")); return ;;
		-f|--func) return ;;
		-g|--group-by) COMPREPLY=($(compgen -W "stack function creator reason label=" -- "$cur")); compopt -o nospace 2> /dev/null; return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --top --all --state --func --group-by --alloc-stacks --help" -- "$cur"))
		else
			_goinspect_snaps
		fi
		return ;;
	diff)
		case "$prev" in
		-n|--top) COMPREPLY=($(compgen -W "5 10 20 50" -- "$cur")); return ;;
		--html) _goinspect_snaps; COMPREPLY+=($(compgen -f -X '!*.html' -- "$cur")); return ;;
		--color|--colour) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
		--fail-on)
			local pre="" last=$cur
			if [[ $cur == *,* ]]; then pre=${cur%,*},; last=${cur##*,}; fi
			COMPREPLY=($(compgen -P "$pre" -W "goroutines=+ heap=+ rss=+" -- "$last"))
			compopt -o nospace 2> /dev/null
			return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--json --top --fail-on --html --color --help" -- "$cur"))
		else
			_goinspect_snaps
		fi
		return ;;
	export)
		case "$prev" in
		-f|--format) COMPREPLY=($(compgen -W "pprof folded" -- "$cur")); return ;;
		-p|--profile) COMPREPLY=($(compgen -W "goroutine heap allocs size-classes" -- "$cur")); return ;;
		-o|--output) compopt -o filenames 2> /dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--format --profile --output --help" -- "$cur"))
		else
			_goinspect_snaps
		fi
		return ;;
	esac
}
complete -F _goinspect goinspect
