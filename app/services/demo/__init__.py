"""The fictional Demo CSI Unit and its consultation, for trying the product and for tests."""
