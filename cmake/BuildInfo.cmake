# Writes OUTPUT from TEMPLATE with the version and the git commit of SOURCE_DIR. Runs at every
# build (cmake -P, see app/CMakeLists.txt), and configure_file rewrites OUTPUT only when a value
# changed, so a new commit relinks the executables and an unchanged tree rebuilds nothing.
#
# Inputs: SOURCE_DIR, TEMPLATE, OUTPUT, VERSION, and COMMIT_OVERRIDE (for builds from a tarball
# that know their commit, e.g. -DNANOVLM_GIT_COMMIT=1a2b3c4 at configure time).

if(COMMIT_OVERRIDE)
    set(NANOVLM_GIT_COMMIT "${COMMIT_OVERRIDE}")
else()
    set(NANOVLM_GIT_COMMIT "unknown") # not a git checkout (a source tarball) or no git
    find_package(Git QUIET)
    if(GIT_FOUND)
        execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
            WORKING_DIRECTORY "${SOURCE_DIR}"
            RESULT_VARIABLE head_result OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE
            ERROR_QUIET)
        if(head_result EQUAL 0 AND head)
            set(NANOVLM_GIT_COMMIT "${head}")
            execute_process(COMMAND "${GIT_EXECUTABLE}" status --porcelain --untracked-files=no
                WORKING_DIRECTORY "${SOURCE_DIR}"
                OUTPUT_VARIABLE changes OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
            if(changes)
                string(APPEND NANOVLM_GIT_COMMIT "-dirty")
            endif()
        endif()
    endif()
endif()
set(NANOVLM_VERSION "${VERSION}")
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
