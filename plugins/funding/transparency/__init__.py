"""transparency"""
