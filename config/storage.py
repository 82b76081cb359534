"""Where uploaded files and produced documents live, from the environment (README, "Deployment on several machines").

`STORAGE_BACKEND=filesystem` (the default): a folder, MEDIA_ROOT, which several machines must then share.
`STORAGE_BACKEND=s3`: a bucket of any S3-compatible service through django-storages; files stay private and are
handed out only by the permission-checked download views, which read them through the storage API.
"""
from django.core.exceptions import ImproperlyConfigured


def default_storage(env):
    backend = env("STORAGE_BACKEND", default="filesystem")
    if backend == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise ImproperlyConfigured("STORAGE_BACKEND must be filesystem or s3")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),  # e.g. MinIO, or a cloud's S3 endpoint
        "region_name": env("AWS_S3_REGION_NAME", default=None),
        # Without keys, boto3's own chain (an instance role, ~/.aws) supplies them.
        "access_key": env("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
        "location": env("AWS_LOCATION", default=""),  # a folder inside the bucket
        "default_acl": None,  # private: the bucket's own policy, never public-read
        "file_overwrite": False,  # two uploads of one name never replace each other
    }}
