# PyInstaller runtime hook (Linux): the bundle leaves cryptography out; secretstorage
# (keyring's Secret Service backend) gets AES-CBC from the bundle's OpenSSL instead.
# See luma_desktop/bundle_aes.py. Cheap: ctypes loads libcrypto on the first secret.
from luma_desktop.bundle_aes import install

install()
