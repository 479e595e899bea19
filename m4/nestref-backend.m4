# NESTREF_BACKEND(NAME): a backend folder, backends/NAME/, built into the
# library unless configure is given --disable-backend-NAME.  Defines the
# automake conditional BACKEND_<NAME> for the folder's backend.am and
# appends NR_BUILTIN(nr_backend_<name>) to the NESTREF_BUILTINS list that
# lib/core/registry.c expands (the built-in table is generated, never
# written into the core).  autogen.sh calls it once per folder it finds.
AC_DEFUN([NESTREF_BACKEND], [
	AC_ARG_ENABLE([backend-$1],
		[AS_HELP_STRING([--disable-backend-$1],
			[leave the $1 backend out of the library])],
		[], [AS_TR_SH([enable_backend_$1])=yes])
	AM_CONDITIONAL(AS_TR_CPP([BACKEND_$1]),
		[test "x$AS_TR_SH([enable_backend_$1])" != xno])
	AS_IF([test "x$AS_TR_SH([enable_backend_$1])" != xno], [
		nestref_builtins="$nestref_builtins NR_BUILTIN(AS_TR_SH([nr_backend_$1]))"
		nestref_backend_names="$nestref_backend_names $1"
	])
])

# NESTREF_BACKENDS_DONE: after the last NESTREF_BACKEND.
AC_DEFUN([NESTREF_BACKENDS_DONE], [
	AC_DEFINE_UNQUOTED([NESTREF_BUILTINS], [$nestref_builtins],
		[The built-in backends, one NR_BUILTIN(symbol) each])
	AC_MSG_NOTICE([built-in backends:$nestref_backend_names])
])
