# bash completion for dealsearch(1): commands, and each command's options
# as its --help lists them (so they never drift apart), then files.
# Installed by `make install` into share/bash-completion/completions/.

_dealsearch()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="index show passages run check watch serve join"
    local cmd="" i w
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case " $commands " in *" $w "*) cmd=$w; break ;; esac
    done
    case $prev in
        --corpus) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --index) COMPREPLY=($(compgen -f -- "$cur")); return ;; # or a stub
        --jsonl|--synonyms|--queries|--plan|--write-plan) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --shard) COMPREPLY=($(compgen -W "head 0 1 2 3" -- "$cur")); return ;;
        --sort) COMPREPLY=($(compgen -W "relevance date" -- "$cur")); return ;;
        --color|--colour) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "trec" -- "$cur")); return ;;
        -n|--limit|--offset|-j|--jobs|-C|--context|--threads|--listen|--cors|\
        --max-connections|--max-per-ip|--timeout|--shards|--connect-timeout|\
        --query-timeout) return ;;
    esac
    if [[ $cur == -* ]]; then
        local opts
        opts=$("${COMP_WORDS[0]}" $cmd --help 2>/dev/null |
               grep -oE -- '(^|[ ,[])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,[' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == --color ]] && COMPREPLY=(--color=)
        return
    fi
    case $cmd in
        "") [[ $COMP_CWORD == 1 ]] && COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
        show|passages) COMPREPLY=($(compgen -f -- "$cur")) ;;
        join) COMPREPLY=($(compgen -d -- "$cur")) ;;
    esac
}
complete -F _dealsearch dealsearch
