import sys

from locales.messages import main

sys.exit(main(sys.argv[1:]))
