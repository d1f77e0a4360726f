# Turn Doxygen's man output (IN, a man3 directory) into the pages we install
# (OUT): run with cmake -P. Doxygen names a group's page after the group
# ("client.3") and writes a page for every struct field ("value.3",
# "status.3"), names other packages' pages may hold; so a group page becomes
# libpubrio-GROUP.3, a field's page is dropped, and every pubrio_* /
# PUBRIO_* name keeps its page: a struct's own page, or a one-line link
# (".so") to the page that documents it.
if(NOT IN OR NOT OUT)
  message(FATAL_ERROR "usage: cmake -DIN=doxygen/man3 -DOUT=dir -P pubrio_man3.cmake")
endif()
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
file(GLOB pages RELATIVE "${IN}" "${IN}/*.3")

function(public_name page out_var) # the installed name, or "" to drop it
  string(REGEX REPLACE "\\.3$" "" name "${page}")
  if(name MATCHES "^(pubrio|PUBRIO)[_.]")
    set(${out_var} "${name}" PARENT_SCOPE)
  else()
    file(STRINGS "${IN}/${page}" first LIMIT_COUNT 1)
    if(first MATCHES "^\\.so ")
      set(${out_var} "" PARENT_SCOPE) # a struct field's link
    else()
      set(${out_var} "libpubrio-${name}" PARENT_SCOPE) # a group's page
    endif()
  endif()
endfunction()

set(count 0)
foreach(page IN LISTS pages)
  public_name("${page}" name)
  if(name STREQUAL "")
    continue()
  endif()
  file(READ "${IN}/${page}" text)
  if(text MATCHES "^\\.so man3/([^\n]+)\\.3")
    public_name("${CMAKE_MATCH_1}.3" target)
    set(text ".so man3/${target}.3\n")
  else()
    # The title line and NAME name the page as installed (whatis, apropos).
    string(REGEX REPLACE "^\\.TH \"[^\"]*\"" ".TH \"${name}\"" text "${text}")
    string(REGEX REPLACE "\n\\.SH NAME\n[^ ]+ " "\n.SH NAME\n${name} " text "${text}")
  endif()
  file(WRITE "${OUT}/${name}.3" "${text}")
  math(EXPR count "${count} + 1")
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "no man pages in ${IN}")
endif()
