/*
 * main.c: the sitrep program.  Everything lives in the library; this only
 * hands over to the command line.
 */
#include "config.h"

#include "core/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
