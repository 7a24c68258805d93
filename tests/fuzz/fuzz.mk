# tests/fuzz/fuzz.mk: builds the libFuzzer harnesses; scripts/fuzz runs it
# as `make -f tests/fuzz/fuzz.mk B=build-fuzz` from the top of the tree.
#
# Everything goes under $(B), never beside the main build's objects: the
# modules of base/, core/, backends/ and export/ (and the drills compiled
# in, as Makefile.am makes them) are compiled by clang with ASan, UBSan
# and libFuzzer's coverage into one archive, and each tests/fuzz/fuzz_*.c
# is linked against it into $(B)/fuzz_NAME.  Dependencies on headers are
# tracked (-MMD), so a second run rebuilds only what changed.

B	?= build-fuzz
CC	 = clang
PKGS	 = ncursesw libcurl libcjson yaml-0.1 sqlite3
SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	   -fno-omit-frame-pointer
WARN	 = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wpointer-arith -Wwrite-strings -Wvla -Wno-unused-parameter
CFLAGS	 = -std=c11 -g -O1 $(SAN) $(WARN)
CPPFLAGS = -I$(B) -I. -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600 \
	   -DSITREP_DATADIR='"/usr/local/share/sitrep"' \
	   $(shell pkg-config --cflags $(PKGS))
LIBS	 = $(shell pkg-config --libs $(PKGS)) -lm -lpthread

SRCS	 = $(wildcard base/*.c core/*.c backends/*.c export/*.c)
OBJS	 = $(SRCS:%.c=$(B)/obj/%.o) $(B)/obj/drill_builtin.o
HARNESS	 = $(wildcard tests/fuzz/fuzz_*.c)
BINS	 = $(HARNESS:tests/fuzz/%.c=$(B)/%)

all: $(BINS)

# config.h holds only the version, read from configure.ac.
$(B)/config.h: configure.ac
	@mkdir -p $(B)
	@v=`sed -n 's/^AC_INIT(\[sitrep\], \[\([^]]*\)\].*/\1/p' configure.ac`; \
	    printf '#define PACKAGE_VERSION "%s"\n' "$$v" > $@

$(B)/drill_builtin.c: $(wildcard drills/*.yaml) core/drill_gen.sh
	@mkdir -p $(B)
	$(SHELL) core/drill_gen.sh $(wildcard drills/*.yaml) > $@.tmp && \
	    mv $@.tmp $@

# The project's modules: coverage for the fuzzer, not its main.
$(B)/obj/%.o: %.c $(B)/config.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer-no-link -MMD -c $< -o $@

$(B)/obj/drill_builtin.o: $(B)/drill_builtin.c $(B)/config.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(B)/libsitrep-fuzz.a: $(OBJS)
	rm -f $@
	ar cr $@ $(OBJS)

# A harness: warnings are errors in the harnesses themselves.
$(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(B)/libsitrep-fuzz.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -Werror -fsanitize=fuzzer -MMD \
	    -MF $(B)/fuzz_$*.d $< $(B)/libsitrep-fuzz.a $(LIBS) -o $@

-include $(OBJS:.o=.d) $(BINS:=.d)

.PHONY: all
