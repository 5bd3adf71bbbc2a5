# copied from shared/seed/000_745aa4d756e45f8d.txt §4.2 (security/key_management.py); changes: minimal fixes only, each marked `# FIX` below:
#   - added missing imports `base64` and `json`

# security/key_management.py
import os
import base64  # FIX: missing import
import json  # FIX: missing import
import secrets
import time
import redis
from typing import Dict, List, Optional, Tuple
from dataclasses import dataclass
from datetime import datetime, timedelta
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.backends import default_backend

@dataclass
class EncryptionKey:
    key_id: str
    key_data: bytes
    algorithm: str
    created_at: datetime
    expires_at: Optional[datetime]
    is_active: bool = True
    purpose: str = "general"

class KeyManagementService:
    def __init__(self, redis_url: str = "redis://localhost:6379"):
        self.redis = redis.from_url(redis_url, decode_responses=False)
        self.backend = default_backend()
        
        # 마스터 키 환경 변수에서 가져오기
        master_key_b64 = os.getenv("MASTER_ENCRYPTION_KEY")
        if not master_key_b64:
            raise ValueError("MASTER_ENCRYPTION_KEY environment variable not set")
        
        self.master_key = base64.b64decode(master_key_b64)
        
        # 키 순환 주기 (일)
        self.key_rotation_days = 90
    
    def generate_key(self, purpose: str = "general", expires_in_days: Optional[int] = None) -> EncryptionKey:
        """새 암호화 키 생성"""
        
        key_id = f"key_{secrets.token_urlsafe(16)}"
        key_data = os.urandom(32)  # 256-bit key
        
        # 만료 시간 설정
        expires_at = None
        if expires_in_days:
            expires_at = datetime.utcnow() + timedelta(days=expires_in_days)
        
        # 키 생성
        key = EncryptionKey(
            key_id=key_id,
            key_data=key_data,
            algorithm="AES-256-GCM",
            created_at=datetime.utcnow(),
            expires_at=expires_at,
            purpose=purpose
        )
        
        # 키 저장 (암호화된 형태로)
        self._store_key(key)
        
        return key
    
    def get_active_key(self, purpose: str = "general") -> Optional[EncryptionKey]:
        """활성 키 가져오기"""
        
        # 활성 키 ID 가져오기
        active_key_id = self.redis.get(f"active_key:{purpose}")
        if not active_key_id:
            # 활성 키가 없으면 새로 생성
            key = self.generate_key(purpose)
            self._set_active_key(key.key_id, purpose)
            return key
        
        # 키 데이터 가져오기
        key_data = self.redis.get(f"key:{active_key_id.decode()}")
        if not key_data:
            return None
        
        return self._deserialize_key(key_data)
    
    def get_key_by_id(self, key_id: str) -> Optional[EncryptionKey]:
        """ID로 키 가져오기"""
        key_data = self.redis.get(f"key:{key_id}")
        if not key_data:
            return None
        
        return self._deserialize_key(key_data)
    
    def rotate_keys(self, purpose: str = "general"):
        """키 순환"""
        
        # 현재 활성 키 가져오기
        current_key = self.get_active_key(purpose)
        if not current_key:
            return
        
        # 새 키 생성
        new_key = self.generate_key(purpose, expires_in_days=self.key_rotation_days)
        
        # 활성 키 업데이트
        self._set_active_key(new_key.key_id, purpose)
        
        # 이전 키 비활성화
        current_key.is_active = False
        self._store_key(current_key)
        
        # 키 순환 이벤트 기록
        self._log_key_rotation(current_key.key_id, new_key.key_id, purpose)
    
    def revoke_key(self, key_id: str):
        """키 폐기"""
        key = self.get_key_by_id(key_id)
        if key:
            key.is_active = False
            self._store_key(key)
            
            # 폐기 이벤트 기록
            self._log_key_revocation(key_id)
    
    def cleanup_expired_keys(self):
        """만료된 키 정리"""
        
        # 모든 키 ID 가져오기
        key_ids = self.redis.keys("key:*")
        
        for key_id_bytes in key_ids:
            key_id = key_id_bytes.decode().replace("key:", "")
            
            key = self.get_key_by_id(key_id)
            if key and key.expires_at and key.expires_at < datetime.utcnow():
                # 만료된 키 삭제
                self.redis.delete(f"key:{key_id}")
                
                # 활성 키 목록에서 제거
                purposes = ["general", "pii", "session", "audit"]
                for purpose in purposes:
                    active_key_id = self.redis.get(f"active_key:{purpose}")
                    if active_key_id and active_key_id.decode() == key_id:
                        self.redis.delete(f"active_key:{purpose}")
    
    def _store_key(self, key: EncryptionKey):
        """키 저장"""
        
        # 키 직렬화
        key_data = {
            "key_id": key.key_id,
            "key_data": base64.b64encode(key.key_data).decode(),
            "algorithm": key.algorithm,
            "created_at": key.created_at.isoformat(),
            "expires_at": key.expires_at.isoformat() if key.expires_at else None,
            "is_active": str(key.is_active),
            "purpose": key.purpose
        }
        
        # 키 암호화하여 저장
        encrypted_key_data = self._encrypt_with_master_key(json.dumps(key_data))
        self.redis.set(f"key:{key.key_id}", encrypted_key_data)
    
    def _deserialize_key(self, encrypted_data: bytes) -> EncryptionKey:
        """키 역직렬화"""
        
        # 마스터 키로 복호화
        decrypted_data = self._decrypt_with_master_key(encrypted_data)
        key_dict = json.loads(decrypted_data)
        
        return EncryptionKey(
            key_id=key_dict["key_id"],
            key_data=base64.b64decode(key_dict["key_data"]),
            algorithm=key_dict["algorithm"],
            created_at=datetime.fromisoformat(key_dict["created_at"]),
            expires_at=datetime.fromisoformat(key_dict["expires_at"]) if key_dict["expires_at"] else None,
            is_active=key_dict["is_active"] == "True",
            purpose=key_dict["purpose"]
        )
    
    def _set_active_key(self, key_id: str, purpose: str):
        """활성 키 설정"""
        self.redis.set(f"active_key:{purpose}", key_id)
    
    def _encrypt_with_master_key(self, data: str) -> bytes:
        """마스터 키로 암호화"""
        
        # HKDF를 사용한 키 파생
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"key_management_salt",
            info=b"key_encryption",
            backend=self.backend
        )
        derived_key = hkdf.derive(self.master_key)
        
        # 암호화
        fernet = Fernet(base64.urlsafe_b64encode(derived_key))
        return fernet.encrypt(data.encode())
    
    def _decrypt_with_master_key(self, encrypted_data: bytes) -> str:
        """마스터 키로 복호화"""
        
        # HKDF를 사용한 키 파생
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=b"key_management_salt",
            info=b"key_encryption",
            backend=self.backend
        )
        derived_key = hkdf.derive(self.master_key)
        
        # 복호화
        fernet = Fernet(base64.urlsafe_b64encode(derived_key))
        return fernet.decrypt(encrypted_data).decode()
    
    def _log_key_rotation(self, old_key_id: str, new_key_id: str, purpose: str):
        """키 순환 로그 기록"""
        
        log_entry = {
            "event_type": "key_rotation",
            "old_key_id": old_key_id,
            "new_key_id": new_key_id,
            "purpose": purpose,
            "timestamp": datetime.utcnow().isoformat()
        }
        
        self.redis.lpush("key_audit_log", json.dumps(log_entry))
        
        # 로그 보관 (최근 1000개만)
        self.redis.ltrim("key_audit_log", 0, 999)
    
    def _log_key_revocation(self, key_id: str):
        """키 폐기 로그 기록"""
        
        log_entry = {
            "event_type": "key_revocation",
            "key_id": key_id,
            "timestamp": datetime.utcnow().isoformat()
        }
        
        self.redis.lpush("key_audit_log", json.dumps(log_entry))
        self.redis.ltrim("key_audit_log", 0, 999)
